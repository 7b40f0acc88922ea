# The GVT-g host as Debian 12 has it: libvirt 9.0 (which takes
# <qemu:override>), QEMU 7.2 and OVMF with its 4 MiB images.
based_on gvtg
dpkg_packages libvirt-daemon=9.0.0-4+deb12u2 qemu-system-x86=1:7.2+dfsg-7+deb12u18 ovmf=2022.11-6+deb12u2
put_file usr/share/OVMF/OVMF_CODE_4M.fd "code"
put_file usr/share/OVMF/OVMF_VARS_4M.fd "vars"
put_file usr/share/OVMF/OVMF_CODE.fd "code"
put_file usr/share/OVMF/OVMF_VARS.fd "vars"
