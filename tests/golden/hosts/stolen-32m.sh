# SPDX-License-Identifier: GPL-2.0-or-later
# stolen-32m: pve8-coffeelake with DVMT Pre-Allocated at 32 MiB (GGC 0x01c1):
# too little for a guest's high-resolution screen.
from_host pve8-coffeelake
igd_ggc 0000:00:02.0 01c1
