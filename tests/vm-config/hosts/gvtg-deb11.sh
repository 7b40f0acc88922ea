# The GVT-g host as Debian 11 has it: libvirt 7.0 (before <qemu:override>,
# so the -set form) and QEMU 5.2, without OVMF.
based_on gvtg
dpkg_packages libvirt-daemon=7.0.0-3+deb11u3 qemu-system-x86=1:5.2+dfsg-11+deb11u3
