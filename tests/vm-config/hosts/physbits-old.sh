# physbits with Proxmox VE 8's qemu-server (no guest-phys-bits yet) and
# Debian 12's libvirt 9.0 (no maxphysaddr limit= yet).
based_on physbits
put_file var/lib/dpkg/status "Package: qemu-server
Status: install ok installed
Architecture: amd64
Version: 8.3.8

Package: libvirt-daemon
Status: install ok installed
Architecture: amd64
Version: 9.0.0-4
"
