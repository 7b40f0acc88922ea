# ct-lxc whose lxc.mount.entry (bind,optional,create=file) named a render
# node the host did not have when the container started: LXC created an
# empty file and mounted nothing on it.
based_on ct-lxc
remove dev/dri
put_file dev/dri/renderD128 ''
