# SPDX-License-Identifier: GPL-2.0-or-later
# pop-kernelstub-broken: pop-kernelstub whose configuration is no JSON (a
# comma missing).

based_on pop-kernelstub
kernelstub_config '[
      "quiet",
      "loglevel=0",
      "systemd.show_status=false"
      "splash"
    ]'
