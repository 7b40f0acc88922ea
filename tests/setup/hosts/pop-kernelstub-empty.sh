# SPDX-License-Identifier: GPL-2.0-or-later
# pop-kernelstub-empty: pop-kernelstub with no kernel options of the user's.

based_on pop-kernelstub
kernelstub_config '[]'
