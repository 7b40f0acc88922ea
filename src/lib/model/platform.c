/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel graphics platforms by PCI device ID.
 *
 * The ID lists are the INTEL_*_IDS macros of the kernel's
 * include/drm/intel/pciids.h (include/drm/i915_pciids.h before 6.12),
 * cross-checked against Mesa's include/pci_ids/iris_pci_ids.h.  Each list
 * is kept sorted so that a lookup is a binary search per platform; the unit
 * test proves that every list is sorted and that no ID is in two lists.
 *
 * Only integrated GPUs are listed.  Discrete Intel GPUs (DG1, Arc
 * Alchemist/DG2, ATS-M, Battlemage, PVC) are deliberately absent: for
 * igpuctl they are plain discrete GPUs (full passthrough only), and an ID
 * that is in no list is "unknown" - the lookup never guesses from ID ranges.
 *
 * Which platform supports GVT-g follows is_supported_device() in
 * drivers/gpu/drm/i915/intel_gvt.c (Broadwell, Skylake, Kaby Lake, Broxton,
 * Coffee Lake, Comet Lake); SR-IOV follows i915-sriov-dkms and xe_pci.c
 * (see docs/platforms.md and the facts the project is built on).
 */
#include "model/platform.h"
#include "base/util.h"

/* ------------------------------------------------------------------ */
/* Older platforms: no GVT-g in mainline KVMGT, no SR-IOV.             */

/* INTEL_ILK_IDS (Ironlake: Clarkdale/Arrandale, graphics on package) */
static const uint16_t ids_ilk[] = {
    0x0042,
    0x0046,
};

/* INTEL_SNB_IDS (Sandy Bridge) */
static const uint16_t ids_snb[] = {
    0x0102, 0x0106, 0x010A, 0x0112, 0x0116, 0x0122, 0x0126,
};

/* INTEL_IVB_IDS, INTEL_IVB_Q_IDS (Ivy Bridge; the Quanta transcoder is
 * 0x016A with a special subsystem ID, already in the list) */
static const uint16_t ids_ivb[] = {
    0x0152, 0x0156, 0x015A, 0x0162, 0x0166, 0x016A,
};

/* INTEL_VLV_IDS (Valleyview: Bay Trail) */
static const uint16_t ids_vlv[] = {
    0x0F30,
    0x0F31,
    0x0F32,
    0x0F33,
};

/* INTEL_HSW_IDS (Haswell GT1/GT2/GT3, desktop, ULT, ULX, SDV, CRW) */
static const uint16_t ids_hsw[] = {
    0x0402, 0x0406, 0x040A, 0x040B, 0x040E, 0x0412, 0x0416, 0x041A, 0x041B, 0x041E, 0x0422, 0x0426,
    0x042A, 0x042B, 0x042E, 0x0A02, 0x0A06, 0x0A0A, 0x0A0B, 0x0A0E, 0x0A12, 0x0A16, 0x0A1A, 0x0A1B,
    0x0A1E, 0x0A22, 0x0A26, 0x0A2A, 0x0A2B, 0x0A2E, 0x0C02, 0x0C06, 0x0C0A, 0x0C0B, 0x0C0E, 0x0C12,
    0x0C16, 0x0C1A, 0x0C1B, 0x0C1E, 0x0C22, 0x0C26, 0x0C2A, 0x0C2B, 0x0C2E, 0x0D02, 0x0D06, 0x0D0A,
    0x0D0B, 0x0D0E, 0x0D12, 0x0D16, 0x0D1A, 0x0D1B, 0x0D1E, 0x0D22, 0x0D26, 0x0D2A, 0x0D2B, 0x0D2E,
};

/* ------------------------------------------------------------------ */
/* Gen 8 and 9: the GVT-g generation.                                  */

/* INTEL_BDW_IDS (Broadwell GT1/GT2/GT3 and the reserved IDs) */
static const uint16_t ids_bdw[] = {
    0x1602, 0x1606, 0x160A, 0x160B, 0x160D, 0x160E, 0x1612, 0x1616, 0x161A, 0x161B, 0x161D, 0x161E,
    0x1622, 0x1626, 0x162A, 0x162B, 0x162D, 0x162E, 0x1632, 0x1636, 0x163A, 0x163B, 0x163D, 0x163E,
};

/* INTEL_CHV_IDS (Cherryview: Braswell and Cherry Trail) */
static const uint16_t ids_chv[] = {
    0x22B0,
    0x22B1,
    0x22B2,
    0x22B3,
};

/* INTEL_SKL_IDS = INTEL_SKL_GT1..GT4_IDS (Skylake) */
static const uint16_t ids_skl[] = {
    0x1902, 0x1906, 0x190A, 0x190B, 0x190E, 0x1912, 0x1913, 0x1915, 0x1916, 0x1917, 0x191A, 0x191B, 0x191D,
    0x191E, 0x1921, 0x1923, 0x1926, 0x1927, 0x192A, 0x192B, 0x192D, 0x1932, 0x193A, 0x193B, 0x193D,
};

/* INTEL_BXT_IDS (Broxton; 5A84/5A85 are Apollo Lake HD 505/500) */
static const uint16_t ids_bxt[] = {
    0x0A84, 0x1A84, 0x1A85, 0x5A84, 0x5A85,
};

/* INTEL_GLK_IDS (Gemini Lake UHD 605/600) */
static const uint16_t ids_glk[] = {
    0x3184,
    0x3185,
};

/* INTEL_KBL_IDS = INTEL_KBL_GT1..GT4_IDS + INTEL_AML_KBL_GT2_IDS
 * (Kaby Lake; 591C and 87C0 are Amber Lake Y, which i915 runs as Kaby Lake) */
static const uint16_t ids_kbl[] = {
    0x5902, 0x5906, 0x5908, 0x590A, 0x590B, 0x590E, 0x5912, 0x5913, 0x5915, 0x5916, 0x5917,
    0x591A, 0x591B, 0x591C, 0x591D, 0x591E, 0x5921, 0x5923, 0x5926, 0x5927, 0x593B, 0x87C0,
};

/* INTEL_CFL_IDS = CFL S/H/U + INTEL_AML_CFL_GT2_IDS (87CA, Amber Lake Y run
 * as Coffee Lake).  3E95, 3E97, 3E9D..3E9F and 3EAA+ are not assigned. */
static const uint16_t ids_cfl[] = {
    0x3E90, 0x3E91, 0x3E92, 0x3E93, 0x3E94, 0x3E96, 0x3E98, 0x3E99, 0x3E9A,
    0x3E9B, 0x3E9C, 0x3EA5, 0x3EA6, 0x3EA7, 0x3EA8, 0x3EA9, 0x87CA,
};

/* INTEL_WHL_IDS (Whiskey Lake U; i915 runs it as Coffee Lake) */
static const uint16_t ids_whl[] = {
    0x3EA0, 0x3EA1, 0x3EA2, 0x3EA3, 0x3EA4,
};

/* INTEL_CML_IDS = CML GT1/GT2/U GT1/U GT2 (Comet Lake).  9BA0, 9BAB, 9BC0
 * and 9BCB were dropped from the kernel in 2020 as never shipped, but Mesa's
 * iris_pci_ids.h still names them and older kernels bound them: keep them so
 * such a device is not "unknown". */
static const uint16_t ids_cml[] = {
    0x9B21, 0x9B41, 0x9BA0, 0x9BA2, 0x9BA4, 0x9BA5, 0x9BA8, 0x9BAA, 0x9BAB, 0x9BAC, 0x9BC0,
    0x9BC2, 0x9BC4, 0x9BC5, 0x9BC6, 0x9BC8, 0x9BCA, 0x9BCB, 0x9BCC, 0x9BE6, 0x9BF6,
};

/* ------------------------------------------------------------------ */
/* Gen 10 and 11: full passthrough only.                               */

/* INTEL_CNL_IDS (Cannon Lake; i915 support was removed, it never shipped
 * with working graphics) */
static const uint16_t ids_cnl[] = {
    0x5A40, 0x5A41, 0x5A42, 0x5A44, 0x5A49, 0x5A4A, 0x5A4C,
    0x5A50, 0x5A51, 0x5A52, 0x5A54, 0x5A59, 0x5A5A, 0x5A5C,
};

/* INTEL_ICL_IDS (Ice Lake, "10th gen" like Comet Lake but without GVT-g) */
static const uint16_t ids_icl[] = {
    0x8A50, 0x8A51, 0x8A52, 0x8A53, 0x8A54, 0x8A56, 0x8A57, 0x8A58,
    0x8A59, 0x8A5A, 0x8A5B, 0x8A5C, 0x8A5D, 0x8A70, 0x8A71,
};

/* INTEL_EHL_IDS (Elkhart Lake) */
static const uint16_t ids_ehl[] = {
    0x4541, 0x4551, 0x4555, 0x4557, 0x4570, 0x4571,
};

/* INTEL_JSL_IDS (Jasper Lake) */
static const uint16_t ids_jsl[] = {
    0x4E51, 0x4E55, 0x4E57, 0x4E61, 0x4E71,
};

/* ------------------------------------------------------------------ */
/* Gen 12 and newer: the SR-IOV generation.                            */

/* INTEL_TGL_IDS = INTEL_TGL_GT1_IDS + INTEL_TGL_GT2_IDS (Tiger Lake) */
static const uint16_t ids_tgl[] = {
    0x9A40, 0x9A49, 0x9A59, 0x9A60, 0x9A68, 0x9A70, 0x9A78, 0x9AC0, 0x9AC9, 0x9AD9, 0x9AF8,
};

/* INTEL_RKL_IDS (Rocket Lake, "11th gen" like Tiger Lake but no SR-IOV) */
static const uint16_t ids_rkl[] = {
    0x4C80, 0x4C8A, 0x4C8B, 0x4C8C, 0x4C90, 0x4C9A,
};

/* INTEL_ADLS_IDS (Alder Lake-S) */
static const uint16_t ids_adls[] = {
    0x4680, 0x4682, 0x4688, 0x468A, 0x468B, 0x4690, 0x4692, 0x4693,
};

/* INTEL_ADLP_IDS (Alder Lake-P/U/H) */
static const uint16_t ids_adlp[] = {
    0x4626, 0x4628, 0x462A, 0x46A0, 0x46A1, 0x46A2, 0x46A3, 0x46A6, 0x46A8,
    0x46AA, 0x46B0, 0x46B1, 0x46B2, 0x46B3, 0x46C0, 0x46C1, 0x46C2, 0x46C3,
};

/* INTEL_ADLN_IDS (Alder Lake-N: N100, N200, N305, ...) */
static const uint16_t ids_adln[] = {
    0x46D0, 0x46D1, 0x46D2, 0x46D3, 0x46D4,
};

/* INTEL_RPLS_IDS (Raptor Lake-S) */
static const uint16_t ids_rpls[] = {
    0xA780, 0xA781, 0xA782, 0xA783, 0xA788, 0xA789, 0xA78A, 0xA78B,
};

/* INTEL_RPLP_IDS (Raptor Lake-P) */
static const uint16_t ids_rplp[] = {
    0xA720, 0xA7A0, 0xA7A8, 0xA7AA, 0xA7AB,
};

/* INTEL_RPLU_IDS (Raptor Lake-U) */
static const uint16_t ids_rplu[] = {
    0xA721, 0xA7A1, 0xA7A9, 0xA7AC, 0xA7AD,
};

/* INTEL_MTL_IDS = INTEL_MTL_U_IDS + 7D55, 7D60, 7DD5 (Meteor Lake) */
static const uint16_t ids_mtl[] = {
    0x7D40, 0x7D45, 0x7D55, 0x7D60, 0x7DD5,
};

/* INTEL_ARL_IDS = INTEL_ARL_H/U/S_IDS (Arrow Lake; xe and i915 run it as
 * Meteor Lake) */
static const uint16_t ids_arl[] = {
    0x7D41, 0x7D51, 0x7D67, 0x7DD1, 0xB640,
};

/* INTEL_LNL_IDS (Lunar Lake, xe only) */
static const uint16_t ids_lnl[] = {
    0x6420,
    0x64A0,
    0x64B0,
};

/* INTEL_PTL_IDS (Panther Lake, xe only) */
static const uint16_t ids_ptl[] = {
    0xB080, 0xB081, 0xB082, 0xB083, 0xB084, 0xB085, 0xB086, 0xB087, 0xB08F, 0xB090, 0xB0A0, 0xB0B0,
};

/* INTEL_WCL_IDS (Wildcat Lake; xe runs it with the Panther Lake descriptor) */
static const uint16_t ids_wcl[] = {
    0xFD80,
    0xFD81,
};

/* ------------------------------------------------------------------ */
/* The platforms.                                                      */

#define SRIOV_DKMS_OR_XE_NOTE                                                                                \
	"SR-IOV needs the out-of-tree i915-sriov-dkms module (on the host and in "                           \
	"every guest), or the xe driver forced on with xe.force_probe on recent "                            \
	"kernels; mainline i915 has no SR-IOV for this GPU."
#define SRIOV_DKMS_ONLY_NOTE                                                                                 \
	"SR-IOV needs the out-of-tree i915-sriov-dkms module (on the host and in "                           \
	"every guest); neither mainline i915 nor the upstream xe driver enables it "                         \
	"here."

static const struct igp_platform platform_ilk = {
    .key = "ilk",
    .name = "Ironlake",
    .macro = "INTEL_ILK_IDS",
    .gen = "5",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_NO,
    .i915_binds = true,
};

static const struct igp_platform platform_snb = {
    .key = "snb",
    .name = "Sandy Bridge",
    .macro = "INTEL_SNB_IDS",
    .gen = "6",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_NO,
    .i915_binds = true,
};

static const struct igp_platform platform_ivb = {
    .key = "ivb",
    .name = "Ivy Bridge",
    .macro = "INTEL_IVB_IDS",
    .gen = "7",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_NO,
    .i915_binds = true,
};

static const struct igp_platform platform_vlv = {
    .key = "vlv",
    .name = "Bay Trail",
    .macro = "INTEL_VLV_IDS",
    .gen = "7",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_NO,
    .i915_binds = true,
};

static const struct igp_platform platform_hsw = {
    .key = "hsw",
    .name = "Haswell",
    .macro = "INTEL_HSW_IDS",
    .gen = "7.5",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_NO,
    .note = "Haswell GVT-g only existed in Intel's out-of-tree XenGT/KVMGT trees, "
	    "never in mainline Linux.",
    .i915_binds = true,
};

static const struct igp_platform platform_bdw = {
    .key = "bdw",
    .name = "Broadwell",
    .macro = "INTEL_BDW_IDS",
    .gen = "8",
    .gvtg = IGP_SUPPORT_YES,
    .sriov = IGP_SUPPORT_NO,
    .gvtg_types = "GVTg_V4",
    .i915_binds = true,
};

static const struct igp_platform platform_chv = {
    .key = "chv",
    .name = "Braswell",
    .macro = "INTEL_CHV_IDS",
    .gen = "8",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_NO,
    .note = "Cherryview (Braswell, Cherry Trail) is not a GVT-g platform, unlike Broadwell.",
    .i915_binds = true,
};

static const struct igp_platform platform_skl = {
    .key = "skl",
    .name = "Skylake",
    .macro = "INTEL_SKL_IDS",
    .gen = "9",
    .gvtg = IGP_SUPPORT_YES,
    .sriov = IGP_SUPPORT_NO,
    .gvtg_types = "GVTg_V5",
    .i915_binds = true,
};

static const struct igp_platform platform_bxt = {
    .key = "bxt",
    .name = "Apollo Lake",
    .macro = "INTEL_BXT_IDS",
    .gen = "9 LP",
    .gvtg = IGP_SUPPORT_YES,
    .sriov = IGP_SUPPORT_NO,
    .gvtg_types = "GVTg_V5",
    .note = "GVT-g is reported broken on the Pentium N4200; i915 calls this platform Broxton.",
    .i915_binds = true,
};

static const struct igp_platform platform_glk = {
    .key = "glk",
    .name = "Gemini Lake",
    .macro = "INTEL_GLK_IDS",
    .gen = "9 LP",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_NO,
    .note = "Unlike Apollo Lake, Gemini Lake is not a GVT-g platform.",
    .i915_binds = true,
};

static const struct igp_platform platform_kbl = {
    .key = "kbl",
    .name = "Kaby Lake",
    .macro = "INTEL_KBL_IDS",
    .gen = "9",
    .gvtg = IGP_SUPPORT_YES,
    .sriov = IGP_SUPPORT_NO,
    .gvtg_types = "GVTg_V5",
    .i915_binds = true,
};

static const struct igp_platform platform_cfl = {
    .key = "cfl",
    .name = "Coffee Lake",
    .macro = "INTEL_CFL_IDS",
    .gen = "9",
    .gvtg = IGP_SUPPORT_YES,
    .sriov = IGP_SUPPORT_NO,
    .gvtg_types = "GVTg_V5",
    .i915_binds = true,
};

static const struct igp_platform platform_whl = {
    .key = "whl",
    .name = "Whiskey Lake",
    .macro = "INTEL_WHL_IDS",
    .gen = "9",
    .gvtg = IGP_SUPPORT_YES,
    .sriov = IGP_SUPPORT_NO,
    .gvtg_types = "GVTg_V5",
    .note = "i915 and its GVT-g run Whiskey Lake as Coffee Lake.",
    .i915_binds = true,
};

static const struct igp_platform platform_cml = {
    .key = "cml",
    .name = "Comet Lake",
    .macro = "INTEL_CML_IDS",
    .gen = "9",
    .gvtg = IGP_SUPPORT_YES,
    .sriov = IGP_SUPPORT_NO,
    .gvtg_types = "GVTg_V5",
    .note = "i915's GVT-g handles Comet Lake like Coffee Lake (same GVTg_V5 types); "
	    "unlike the other \"10th gen\" platform, Ice Lake, it has GVT-g.",
    .i915_binds = true,
};

static const struct igp_platform platform_cnl = {
    .key = "cnl",
    .name = "Cannon Lake",
    .macro = "INTEL_CNL_IDS",
    .gen = "10",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_NO,
    .note = "i915 does not bind Cannon Lake graphics (support was removed); "
	    "full passthrough only.",
    .i915_binds = false,
};

static const struct igp_platform platform_icl = {
    .key = "icl",
    .name = "Ice Lake",
    .macro = "INTEL_ICL_IDS",
    .gen = "11",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_NO,
    .note = "Full passthrough (GVT-d) only: unlike Comet Lake, also sold as "
	    "\"10th gen\", Ice Lake has no GVT-g.",
    .i915_binds = true,
};

static const struct igp_platform platform_ehl = {
    .key = "ehl",
    .name = "Elkhart Lake",
    .macro = "INTEL_EHL_IDS",
    .gen = "11",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_NO,
    .note = "Full passthrough (GVT-d) only.",
    .i915_binds = true,
};

static const struct igp_platform platform_jsl = {
    .key = "jsl",
    .name = "Jasper Lake",
    .macro = "INTEL_JSL_IDS",
    .gen = "11",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_NO,
    .note = "Full passthrough (GVT-d) only.",
    .i915_binds = true,
};

static const struct igp_platform platform_tgl = {
    .key = "tgl",
    .name = "Tiger Lake",
    .macro = "INTEL_TGL_IDS",
    .gen = "12",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_DKMS,
    .note = SRIOV_DKMS_OR_XE_NOTE,
    .i915_binds = true,
    .xe_sriov_since = "6.18",
    .xe_force_probe = true,
};

static const struct igp_platform platform_rkl = {
    .key = "rkl",
    .name = "Rocket Lake",
    .macro = "INTEL_RKL_IDS",
    .gen = "12",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_NO,
    .note = "Full passthrough (GVT-d) only: unlike Tiger Lake, also sold as "
	    "\"11th gen\", Rocket Lake has no SR-IOV.",
    .i915_binds = true,
};

static const struct igp_platform platform_adls = {
    .key = "adls",
    .name = "Alder Lake-S",
    .macro = "INTEL_ADLS_IDS",
    .gen = "12",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_DKMS,
    .note = SRIOV_DKMS_OR_XE_NOTE,
    .i915_binds = true,
    .xe_sriov_since = "6.18",
    .xe_force_probe = true,
};

static const struct igp_platform platform_adlp = {
    .key = "adlp",
    .name = "Alder Lake-P",
    .macro = "INTEL_ADLP_IDS",
    .gen = "12",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_DKMS,
    .note = SRIOV_DKMS_OR_XE_NOTE,
    .i915_binds = true,
    .xe_sriov_since = "6.18",
    .xe_force_probe = true,
};

static const struct igp_platform platform_adln = {
    .key = "adln",
    .name = "Alder Lake-N",
    .macro = "INTEL_ADLN_IDS",
    .gen = "12",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_DKMS,
    .note = SRIOV_DKMS_OR_XE_NOTE,
    .i915_binds = true,
    .xe_sriov_since = "6.18",
    .xe_force_probe = true,
};

static const struct igp_platform platform_rpls = {
    .key = "rpls",
    .name = "Raptor Lake-S",
    .macro = "INTEL_RPLS_IDS",
    .gen = "12",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_DKMS,
    .note = SRIOV_DKMS_OR_XE_NOTE,
    .i915_binds = true,
    .xe_sriov_since = "6.18",
    .xe_force_probe = true,
};

static const struct igp_platform platform_rplp = {
    .key = "rplp",
    .name = "Raptor Lake-P",
    .macro = "INTEL_RPLP_IDS",
    .gen = "12",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_DKMS,
    .note = SRIOV_DKMS_OR_XE_NOTE,
    .i915_binds = true,
    .xe_sriov_since = "6.18",
    .xe_force_probe = true,
};

static const struct igp_platform platform_rplu = {
    .key = "rplu",
    .name = "Raptor Lake-U",
    .macro = "INTEL_RPLU_IDS",
    .gen = "12",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_DKMS,
    .note = SRIOV_DKMS_OR_XE_NOTE,
    .i915_binds = true,
    .xe_sriov_since = "6.18",
    .xe_force_probe = true,
};

static const struct igp_platform platform_mtl = {
    .key = "mtl",
    .name = "Meteor Lake",
    .macro = "INTEL_MTL_IDS",
    .gen = "12.70",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_DKMS,
    .note = SRIOV_DKMS_ONLY_NOTE,
    .i915_binds = true,
};

static const struct igp_platform platform_arl = {
    .key = "arl",
    .name = "Arrow Lake",
    .macro = "INTEL_ARL_IDS",
    .gen = "12.74",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_DKMS,
    .note = SRIOV_DKMS_ONLY_NOTE,
    .i915_binds = true,
};

/* From Lunar Lake on only xe drives the iGPU: i915 has no entry for it. */
static const struct igp_platform platform_lnl = {
    .key = "lnl",
    .name = "Lunar Lake",
    .macro = "INTEL_LNL_IDS",
    .gen = "20",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_NO,
    .note = "Driven by xe only; full passthrough only.",
    .i915_binds = false,
};

static const struct igp_platform platform_ptl = {
    .key = "ptl",
    .name = "Panther Lake",
    .macro = "INTEL_PTL_IDS",
    .gen = "30",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_YES,
    .note = "SR-IOV through the upstream xe driver (xe.max_vfs), whose PF mode is "
	    "on by default since Linux 6.17.",
    .i915_binds = false,
    .xe_sriov_since = "6.17",
};

static const struct igp_platform platform_wcl = {
    .key = "wcl",
    .name = "Wildcat Lake",
    .macro = "INTEL_WCL_IDS",
    .gen = "30",
    .gvtg = IGP_SUPPORT_NO,
    .sriov = IGP_SUPPORT_YES,
    .note = "SR-IOV through the upstream xe driver (xe.max_vfs), which runs it "
	    "as Panther Lake.",
    .i915_binds = false,
    .xe_sriov_since = "6.17",
};

/* Table order: oldest first, as in pciids.h. */
// clang-format off
#define PLATFORM_LIST(X) \
	X(ilk) X(snb) X(ivb) X(vlv) X(hsw) X(bdw) X(chv) X(skl) X(bxt) X(glk) \
	X(kbl) X(cfl) X(whl) X(cml) X(cnl) X(icl) X(ehl) X(jsl) X(tgl) X(rkl) \
	X(adls) X(adlp) X(adln) X(rpls) X(rplp) X(rplu) X(mtl) X(arl) X(lnl) \
	X(ptl) X(wcl)
// clang-format on

struct platform_entry {
	const struct igp_platform *platform;
	const uint16_t *ids;
	size_t n_ids;
};

#define ENTRY(k) {&platform_##k, ids_##k, ELEMENTSOF(ids_##k)},
static const struct platform_entry entries[] = {PLATFORM_LIST(ENTRY)};
#undef ENTRY

#define POINTER(k) &platform_##k,
static const struct igp_platform *const platforms[] = {PLATFORM_LIST(POINTER) NULL};
#undef POINTER

IGP_ENUM_IMPL(
    igp_method, enum igp_method,
    _IGP_METHOD_MAX, [IGP_METHOD_FULL] = "full", [IGP_METHOD_GVTG] = "gvt-g", [IGP_METHOD_SRIOV] = "sriov");

int igp_method_parse(const char *s, enum igp_method *ret)
{
	/* Other names users know them by: Intel's "GVT-d" for full
	 * passthrough, and GVT-g without its dash. */
	static const struct {
		const char *alias;
		enum igp_method m;
	} aliases[] = {
	    {"gvt-d", IGP_METHOD_FULL},
	    {"gvtg", IGP_METHOD_GVTG},
	};
	int m = igp_method_from_name(s);

	for (size_t i = 0; m < 0 && s && i < ELEMENTSOF(aliases); i++)
		if (streq(s, aliases[i].alias))
			m = (int)aliases[i].m;
	if (m < 0)
		return m;
	if (ret)
		*ret = (enum igp_method)m;
	return 0;
}

static int cmp_u16(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
	return (x > y) - (x < y);
}

const struct igp_platform *igp_platform_lookup(uint16_t device_id)
{
	for (size_t i = 0; i < ELEMENTSOF(entries); i++)
		if (bsearch(&device_id, entries[i].ids, entries[i].n_ids, sizeof(uint16_t), cmp_u16))
			return entries[i].platform;
	return NULL;
}

const struct igp_platform *const *igp_platforms(void)
{
	return platforms;
}

size_t igp_platform_ids(const struct igp_platform *p, const uint16_t **ret)
{
	/* Compare pointers rather than trusting p: a platform struct that is
	 * not from this table has no IDs. */
	for (size_t i = 0; i < ELEMENTSOF(entries); i++)
		if (entries[i].platform == p) {
			if (ret)
				*ret = entries[i].ids;
			return entries[i].n_ids;
		}
	return 0;
}

/* The platforms whose i915 has GVT-g (is_supported_device() in intel_gvt.c)
 * and those with SR-IOV in this table, named the way users know them. */
#define GVTG_PLATFORMS "Broadwell, Skylake, Apollo Lake, Kaby Lake, Coffee Lake, Whiskey Lake and Comet Lake"
#define SRIOV_PLATFORMS                                                                                      \
	"Tiger Lake, Alder Lake, Raptor Lake, Meteor Lake, Arrow Lake, Panther Lake and "                    \
	"Wildcat Lake"

static char *reason_full(const struct igp_platform *p)
{
	if (!p)
		return strdup("Full passthrough (vfio-pci) works for any GPU with a working IOMMU; "
			      "discrete GPUs and unrecognised graphics devices support full "
			      "passthrough only.");
	return strdupf("%s (Gen %s) supports full passthrough (vfio-pci, \"GVT-d\"), as every "
		       "platform does with a working IOMMU.",
		       p->name, p->gen);
}

static char *reason_gvtg(const struct igp_platform *p)
{
	if (!p)
		return strdup("GVT-g exists only on Intel iGPUs (" GVTG_PLATFORMS
			      "), and this GPU is not one of them; use full passthrough.");
	if (p->gvtg != IGP_SUPPORT_NO)
		return strdupf("%s (Gen %s) supports GVT-g: i915 with kvmgt offers %s_* mediated "
			       "vGPU types.",
			       p->name, p->gen, p->gvtg_types ? p->gvtg_types : "GVTg");
	return strdupf("%s (Gen %s) has no GVT-g (i915 supports it only on " GVTG_PLATFORMS "); use %s.",
		       p->name, p->gen,
		       p->sriov != IGP_SUPPORT_NO ? "SR-IOV or full passthrough" : "full passthrough");
}

static char *reason_sriov(const struct igp_platform *p)
{
	if (!p)
		return strdup("SR-IOV here means the virtual functions of Intel iGPUs (" SRIOV_PLATFORMS
			      "), and this GPU is not one of them; use full "
			      "passthrough.");
	switch (p->sriov) {
	case IGP_SUPPORT_YES:
		return strdupf("%s (Gen %s) supports SR-IOV virtual functions with the upstream %s "
			       "driver.",
			       p->name, p->gen, p->xe_sriov_since ? "xe" : "i915");
	case IGP_SUPPORT_DKMS:
		if (p->xe_sriov_since)
			return strdupf("%s (Gen %s) supports SR-IOV only with the out-of-tree "
				       "i915-sriov-dkms module or with xe forced on "
				       "(xe.force_probe), not with mainline i915.",
				       p->name, p->gen);
		return strdupf("%s (Gen %s) supports SR-IOV only with the out-of-tree "
			       "i915-sriov-dkms module, not with mainline i915 or xe.",
			       p->name, p->gen);
	case IGP_SUPPORT_NO:
	default:
		return strdupf("%s (Gen %s) has no SR-IOV (Intel iGPU SR-IOV exists only on " SRIOV_PLATFORMS
			       "); use %s.",
			       p->name, p->gen,
			       p->gvtg != IGP_SUPPORT_NO ? "GVT-g or full passthrough" : "full passthrough");
	}
}

enum igp_support igp_platform_supports(const struct igp_platform *p, enum igp_method m, char **ret_reason)
{
	enum igp_support s;
	char *reason = NULL;

	switch (m) {
	case IGP_METHOD_FULL:
		/* vfio-pci needs no help from the GPU's own driver, so every
		 * GPU can be passed through whole; the IOMMU is checked
		 * elsewhere. */
		s = IGP_SUPPORT_YES;
		if (ret_reason)
			reason = reason_full(p);
		break;
	case IGP_METHOD_GVTG:
		s = p ? p->gvtg : IGP_SUPPORT_NO;
		if (ret_reason)
			reason = reason_gvtg(p);
		break;
	case IGP_METHOD_SRIOV:
		s = p ? p->sriov : IGP_SUPPORT_NO;
		if (ret_reason)
			reason = reason_sriov(p);
		break;
	default:
		s = IGP_SUPPORT_NO;
		if (ret_reason)
			reason = strdup("Unknown method.");
		break;
	}

	/* On allocation failure the caller gets NULL and still the verdict. */
	if (ret_reason)
		*ret_reason = reason;
	return s;
}
