# pve8-coffeelake on a CPU with 46 physical address bits whose IOMMU maps 39
# (dmar0 39 bits, dmar1 41: the narrower unit counts): OVMF's 64-bit PCI
# window ends up where VFIO cannot map it.  Proxmox VE 9.2's packages
# (qemu-server 9.2.7: guest-phys-bits, romfile for root@pam only).
from_host pve8-coffeelake
cpuinfo "Intel(R) Xeon(R) E-2288G CPU @ 3.70GHz" 2 6 158 13 "" 46
dmar_cap dmar0 d2008c40660462
dmar_cap dmar1 d2008c40680462
put_file var/lib/dpkg/status "Package: pve-qemu-kvm
Status: install ok installed
Architecture: amd64
Version: 11.0.0-1

Package: qemu-server
Status: install ok installed
Architecture: amd64
Version: 9.2.7
"
