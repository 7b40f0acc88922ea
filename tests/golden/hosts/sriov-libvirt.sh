# pve8-n100-sriov with libvirt domains too: win11 is given VF 00:02.1, which
# VM 201 has already (a conflict: only one of them can run), debian VF
# 00:02.4, so the free VF left is 00:02.5 (on i915).

from_host pve8-n100-sriov

put_file etc/libvirt/qemu/win11.xml <<'XML'
<domain type='kvm'>
  <name>win11</name>
  <memory unit='KiB'>8388608</memory>
  <os><type arch='x86_64' machine='pc-q35-9.2'>hvm</type></os>
  <devices>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x00' slot='0x02' function='0x1'/>
      </source>
    </hostdev>
  </devices>
</domain>
XML
put_file etc/libvirt/qemu/debian.xml <<'XML'
<domain type='kvm'>
  <name>debian</name>
  <memory unit='KiB'>4194304</memory>
  <os><type arch='x86_64' machine='pc-q35-9.2'>hvm</type></os>
  <devices>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x00' slot='0x02' function='0x4'/>
      </source>
    </hostdev>
  </devices>
</domain>
XML
