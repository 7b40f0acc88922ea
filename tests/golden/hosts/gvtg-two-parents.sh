# SPDX-License-Identifier: GPL-2.0-or-later
# The vgpu suite's GVT-g host (tests/vgpu/hosts/gvtg-two-parents.sh): a
# Coffee Lake iGPU with two GVT-g types and one running vGPU, an mtty
# parent, and mdevctl definitions.  For vgpu's -J documents.
. tests/vgpu/hosts/gvtg-two-parents.sh
