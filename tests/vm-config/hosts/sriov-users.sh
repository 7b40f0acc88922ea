# pve8-n100-sriov (VFs used by Proxmox VE guests) with a libvirt domain that
# has VF 00:02.1 as well.  The suite replaces the example's VM configurations
# with its own (pve/*.conf): here the CTs, the mapping and the domain use
# the VFs; 00:02.4 (vfio-pci) and 00:02.5 (i915) are free.

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
