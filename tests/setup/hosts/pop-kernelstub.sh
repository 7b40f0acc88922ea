# SPDX-License-Identifier: GPL-2.0-or-later
# pop-kernelstub: the example host pve8-coffeelake, with its etc/, boot/ and efi/
# replaced by the files below.

from_host pve8-coffeelake
remove etc boot efi

put_file etc/initramfs-tools/modules <<'EOF'
# List of modules that you want to include in your initramfs.
EOF

# kernelstub_config OPTIONS: /etc/kernelstub/configuration as Pop!_OS
# writes it, OPTIONS being the JSON of "user" -> "kernel_options".
kernelstub_config() {
	put_file etc/kernelstub/configuration <<EOF
{
  "default": {
    "kernel_options": [
      "quiet",
      "splash"
    ],
    "esp_path": "/boot/efi",
    "setup_loader": false,
    "manage_mode": false,
    "force_update": false,
    "live_mode": false,
    "config_rev": 3
  },
  "user": {
    "kernel_options": $1,
    "esp_path": "/boot/efi",
    "setup_loader": true,
    "manage_mode": true,
    "force_update": false,
    "live_mode": false,
    "config_rev": 3
  }
}
EOF
}

kernelstub_config '[
      "quiet",
      "loglevel=0",
      "systemd.show_status=false",
      "splash"
    ]'

put_file etc/modules <<'EOF'
# /etc/modules: kernel modules to load at boot time.
EOF

put_file etc/os-release <<'EOF'
NAME="Pop!_OS"
ID=pop
ID_LIKE="ubuntu debian"
EOF
