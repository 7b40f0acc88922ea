# SPDX-License-Identifier: GPL-2.0-or-later
# unknown-boot: the example host pve8-coffeelake, with its etc/, boot/ and efi/
# replaced by the files below.

from_host pve8-coffeelake
remove etc boot efi

put_file etc/os-release <<'EOF'
ID=gentoo
EOF
