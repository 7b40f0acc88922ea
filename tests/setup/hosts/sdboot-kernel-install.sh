# SPDX-License-Identifier: GPL-2.0-or-later
# sdboot-kernel-install: the example host pve8-coffeelake, with its etc/, boot/ and efi/
# replaced by the files below.

from_host pve8-coffeelake
remove etc boot efi

put_file efi/loader/entries/6f2b-6.8.9-300.fc40.x86_64.conf <<'EOF'
title      Fedora Linux 40
version    6.8.9-300.fc40.x86_64
machine-id 6f2b
linux      /6f2b/6.8.9-300.fc40.x86_64/linux
initrd     /6f2b/6.8.9-300.fc40.x86_64/initrd
options    root=UUID=77aa rw rootflags=subvol=root
EOF

put_file efi/loader/loader.conf <<'EOF'
timeout 3
EOF

put_dir etc/dracut.conf.d

put_file etc/kernel/cmdline $'root=UUID=77aa rw rootflags=subvol=root'

put_file etc/os-release <<'EOF'
NAME="Fedora Linux"
ID=fedora
EOF
