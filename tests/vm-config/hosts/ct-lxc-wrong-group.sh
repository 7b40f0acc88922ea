# ct-lxc, with the node passed with the host's render gid (992), which the
# container's render group (993) is not: `devN: /dev/dri/renderD128` with
# gid=992, or a lxc.mount.entry of the host's node.  Only root opens it.
based_on ct-lxc
dev_node dev/dri/renderD128 226:128 0 992 0660
