# pve8-coffeelake with option ROMs of every kind igpuctl vm refuses or takes
# in /usr/share/kvm: one with the legacy BIOS image only, one whose EFI
# image is for IA32, another vendor's, and a file that is no ROM at all.
from_host pve8-coffeelake
option_rom usr/share/kvm/bios-only.rom 8086 3e92 bios
option_rom usr/share/kvm/ia32.rom 8086 3e92 bios efi-ia32
option_rom usr/share/kvm/nvidia.rom 10de 2484 bios efi
put_file usr/share/kvm/notes.rom 'These are no ROM bytes.
'
