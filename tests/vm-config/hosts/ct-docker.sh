# A Docker container run with --device /dev/dri/renderD128: the node keeps
# the host's gid (993), the image has no render group, and the container
# does not see the host's PCI devices in sysfs.  /.dockerenv tells Docker.
kernel 6.8.12-4-pve
os_release debian12
cpuinfo "13th Gen Intel(R) Core(TM) i5-13500" 2 6 191 2
put_file .dockerenv ''
put_file etc/group 'root:x:0:
video:x:44:
'
dev_node dev/dri/renderD128 226:128 0 993 0660
