// SPDX-License-Identifier: GPL-2.0-only
/*
 * igpuctl_mdev_test - a test double for Intel GVT-g's mediated device
 * interface, so that igpuctl's vGPU lifecycle runs against the kernel's real
 * mdev and vfio core instead of a fixture tree.
 *
 * It binds QEMU's standard VGA (PCI 1234:1111, which the test guest places
 * at 00:02.0 like an iGPU) and registers it as an mdev parent with the types
 * GVT-g offers on a Gen9 GPU.  What userspace sees is modelled on
 * drivers/gpu/drm/i915/gvt/{vgpu.c,kvmgt.c,aperture_gm.c} of Linux 6.1:
 *
 *  - type directories "i915-GVTg_V5_8/4/2/1".  The mdev core names a type
 *    directory "<driver of the parent device>-<sysfs_name>"
 *    (mdev_type_add() in drivers/vfio/mdev/mdev_sysfs.c uses
 *    dev_driver_string(parent->dev)), so this PCI driver is called "i915";
 *  - only the types whose low GM size fits the aperture left after the host
 *    reservation appear (intel_gvt_init_vgpu_types());
 *  - "description" in GVT-g's exact format, "device_api" vfio-pci;
 *  - "available_instances" = min(low free / low_gm, high free / high_gm,
 *    fences free / fence), from a simulated aperture (module parameters),
 *    with the host keeping 128MB low GM, 384MB high GM and 4 fences;
 *  - creating an mdev that no longer fits fails with ENOSPC, as GVT-g's
 *    alloc_resource() does, so the error reaches the writer of "create";
 *  - every mdev is a vfio device on an emulated IOMMU, so it gets an IOMMU
 *    group and a /dev/vfio/<group> node like a GVT-g vGPU.
 *
 * It drives no hardware: the vfio device has no regions and no ioctls.
 * The module has no MODULE_DEVICE_TABLE on purpose, so that it is never
 * auto-loaded for a real QEMU VGA; the tests insmod it explicitly.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/mdev.h>
#include <linux/vfio.h>
#include <linux/version.h>

static unsigned int aperture_mb = 1024;
module_param(aperture_mb, uint, 0444);
MODULE_PARM_DESC(aperture_mb, "simulated BIOS aperture (mappable GGTT, low GM) in MB [1024]");

static unsigned int ggtt_mb = 4096;
module_param(ggtt_mb, uint, 0444);
MODULE_PARM_DESC(ggtt_mb, "simulated GGTT size in MB; high GM is the part above the aperture [4096]");

static unsigned int fences = 32;
module_param(fences, uint, 0444);
MODULE_PARM_DESC(fences, "simulated number of fence registers [32]");

/*
 * Reported on top of every available_instances: lets a test make a creator
 * believe an instance is left and then meet the kernel's ENOSPC, as it
 * would when another creator takes the last instance between its read of
 * available_instances and its write to create.  Writable at run time.
 */
static unsigned int overstate_available;
module_param(overstate_available, uint, 0644);
MODULE_PARM_DESC(overstate_available, "add N to every available_instances (tests of the ENOSPC path) [0]");

/* What the host i915 keeps for itself (gvt.h: HOST_LOW_GM_SIZE etc.). */
#define HOST_LOW_GM_MB 128
#define HOST_HIGH_GM_MB 384
#define HOST_FENCE 4

struct tvgpu_config {
	unsigned int low_gm_mb, high_gm_mb, fence, weight;
	const char *resolution;
	const char *suffix;
};

/* intel_vgpu_configs[] of gvt/vgpu.c, smallest first: the order in which
 * GVT-g stops at the first type that does not fit. */
static const struct tvgpu_config tvgpu_configs[] = {
    {64, 384, 4, 2, "1024x768", "8"},
    {128, 512, 4, 4, "1920x1200", "4"},
    {256, 1024, 4, 8, "1920x1200", "2"},
    {512, 2048, 4, 16, "1920x1200", "1"},
};

struct tvgpu_type {
	struct mdev_type type;
	const struct tvgpu_config *conf;
	char name[16];
};

/* One per parent: the simulated GPU and what its vGPUs hold. */
struct tgvt {
	struct pci_dev *pdev;
	struct mdev_parent parent;
	struct mutex lock;
	unsigned int low_used_mb, high_used_mb, fences_used;
	struct tvgpu_type types[ARRAY_SIZE(tvgpu_configs)];
	struct mdev_type *mdev_types[ARRAY_SIZE(tvgpu_configs)];
	unsigned int nr_types;
};

/* One per mdev.  vfio_alloc_device() requires vdev to be the first member. */
struct tvgpu {
	struct vfio_device vdev;
	struct tgvt *gvt;
	const struct tvgpu_config *conf;
};

static struct tgvt *mtype_to_gvt(struct mdev_type *mtype)
{
	return container_of(mtype->parent, struct tgvt, parent);
}

static const struct tvgpu_config *mtype_to_conf(struct mdev_type *mtype)
{
	return container_of(mtype, struct tvgpu_type, type)->conf;
}

static unsigned int low_free(struct tgvt *gvt)
{
	return aperture_mb - HOST_LOW_GM_MB - gvt->low_used_mb;
}

static unsigned int high_free(struct tgvt *gvt)
{
	return ggtt_mb - aperture_mb - HOST_HIGH_GM_MB - gvt->high_used_mb;
}

static unsigned int fences_free(struct tgvt *gvt)
{
	return fences - HOST_FENCE - gvt->fences_used;
}

static unsigned int tvgpu_get_available(struct mdev_type *mtype)
{
	struct tgvt *gvt = mtype_to_gvt(mtype);
	const struct tvgpu_config *conf = mtype_to_conf(mtype);
	unsigned int n;

	mutex_lock(&gvt->lock);
	n = min3(low_free(gvt) / conf->low_gm_mb, high_free(gvt) / conf->high_gm_mb,
		 fences_free(gvt) / conf->fence);
	mutex_unlock(&gvt->lock);
	return n + READ_ONCE(overstate_available);
}

static ssize_t tvgpu_show_description(struct mdev_type *mtype, char *buf)
{
	const struct tvgpu_config *conf = mtype_to_conf(mtype);

	/* intel_vgpu_show_description() in gvt/kvmgt.c, byte for byte. */
	return sysfs_emit(buf,
			  "low_gm_size: %dMB\nhigh_gm_size: %dMB\n"
			  "fence: %d\nresolution: %s\n"
			  "weight: %d\n",
			  conf->low_gm_mb, conf->high_gm_mb, conf->fence, conf->resolution, conf->weight);
}

/* Take the resources of one vGPU, or fail like GVT-g's alloc_resource(). */
static int tgvt_reserve(struct tgvt *gvt, const struct tvgpu_config *conf)
{
	const char *item = NULL;

	mutex_lock(&gvt->lock);
	if (low_free(gvt) < conf->low_gm_mb)
		item = "low GM space";
	else if (high_free(gvt) < conf->high_gm_mb)
		item = "high GM space";
	else if (fences_free(gvt) < conf->fence)
		item = "fence";
	if (!item) {
		gvt->low_used_mb += conf->low_gm_mb;
		gvt->high_used_mb += conf->high_gm_mb;
		gvt->fences_used += conf->fence;
	}
	mutex_unlock(&gvt->lock);
	if (item) {
		dev_err(&gvt->pdev->dev, "fail to allocate resource %s\n", item);
		return -ENOSPC;
	}
	return 0;
}

static void tgvt_unreserve(struct tgvt *gvt, const struct tvgpu_config *conf)
{
	mutex_lock(&gvt->lock);
	gvt->low_used_mb -= conf->low_gm_mb;
	gvt->high_used_mb -= conf->high_gm_mb;
	gvt->fences_used -= conf->fence;
	mutex_unlock(&gvt->lock);
}

static void tvgpu_release_dev(struct vfio_device *vdev)
{
	/* Linux 6.1 requires @release to free the device itself; 6.2 moved
	 * that into the vfio core. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
	vfio_free_device(vdev);
#endif
}

static const struct vfio_device_ops tvgpu_dev_ops = {
    .name = "igpuctl-mdev-test",
    .release = tvgpu_release_dev,
};

static int tvgpu_probe(struct mdev_device *mdev)
{
	struct tgvt *gvt = mtype_to_gvt(mdev->type);
	const struct tvgpu_config *conf = mtype_to_conf(mdev->type);
	struct tvgpu *vgpu;
	int ret;

	ret = tgvt_reserve(gvt, conf);
	if (ret)
		return ret;

	vgpu = vfio_alloc_device(tvgpu, vdev, &mdev->dev, &tvgpu_dev_ops);
	if (IS_ERR(vgpu)) {
		tgvt_unreserve(gvt, conf);
		return PTR_ERR(vgpu);
	}
	vgpu->gvt = gvt;
	vgpu->conf = conf;

	/* An emulated IOMMU, as GVT-g uses: the vfio core gives the mdev its
	 * own IOMMU group and /dev/vfio node. */
	ret = vfio_register_emulated_iommu_dev(&vgpu->vdev);
	if (ret) {
		vfio_put_device(&vgpu->vdev);
		tgvt_unreserve(gvt, conf);
		return ret;
	}
	dev_set_drvdata(&mdev->dev, vgpu);
	dev_info(&gvt->pdev->dev, "created vGPU %pUl of type %s\n", &mdev->uuid, mdev->type->sysfs_name);
	return 0;
}

static void tvgpu_remove(struct mdev_device *mdev)
{
	struct tvgpu *vgpu = dev_get_drvdata(&mdev->dev);
	struct tgvt *gvt = vgpu->gvt;
	const struct tvgpu_config *conf = vgpu->conf;

	vfio_unregister_group_dev(&vgpu->vdev);
	vfio_put_device(&vgpu->vdev);
	tgvt_unreserve(gvt, conf);
}

static struct mdev_driver tvgpu_mdev_driver = {
    .device_api = VFIO_DEVICE_API_PCI_STRING,
    .driver =
	{
	    .name = "igpuctl_mdev_test",
	    .owner = THIS_MODULE,
	    .mod_name = KBUILD_MODNAME,
	},
    .probe = tvgpu_probe,
    .remove = tvgpu_remove,
    .get_available = tvgpu_get_available,
    .show_description = tvgpu_show_description,
};

static int tgvt_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct tgvt *gvt;
	unsigned int i, low_avail;
	int ret;

	if (aperture_mb <= HOST_LOW_GM_MB || ggtt_mb < aperture_mb + HOST_HIGH_GM_MB ||
	    fences <= HOST_FENCE) {
		dev_err(&pdev->dev,
			"aperture_mb must exceed %d, ggtt_mb must be at least aperture_mb + %d, fences must "
			"exceed %d\n",
			HOST_LOW_GM_MB, HOST_HIGH_GM_MB, HOST_FENCE);
		return -EINVAL;
	}

	gvt = devm_kzalloc(&pdev->dev, sizeof(*gvt), GFP_KERNEL);
	if (!gvt)
		return -ENOMEM;
	gvt->pdev = pdev;
	mutex_init(&gvt->lock);

	/* intel_gvt_init_vgpu_types(): stop at the first type whose low GM
	 * does not fit what the host leaves of the aperture. */
	low_avail = aperture_mb - HOST_LOW_GM_MB;
	for (i = 0; i < ARRAY_SIZE(tvgpu_configs); i++) {
		struct tvgpu_type *t = &gvt->types[i];

		if (low_avail / tvgpu_configs[i].low_gm_mb == 0)
			break;
		t->conf = &tvgpu_configs[i];
		snprintf(t->name, sizeof(t->name), "GVTg_V5_%s", tvgpu_configs[i].suffix);
		t->type.sysfs_name = t->name;
		gvt->mdev_types[i] = &t->type;
	}
	gvt->nr_types = i;
	if (!gvt->nr_types) {
		dev_err(&pdev->dev, "aperture too small for any vGPU type\n");
		return -EINVAL;
	}

	ret = mdev_register_parent(&gvt->parent, &pdev->dev, &tvgpu_mdev_driver, gvt->mdev_types,
				   gvt->nr_types);
	if (ret)
		return ret;
	pci_set_drvdata(pdev, gvt);
	dev_info(&pdev->dev, "simulated GVT-g parent: aperture %uMB, GGTT %uMB, %u fences, %u types\n",
		 aperture_mb, ggtt_mb, fences, gvt->nr_types);
	return 0;
}

static void tgvt_pci_remove(struct pci_dev *pdev)
{
	struct tgvt *gvt = pci_get_drvdata(pdev);

	mdev_unregister_parent(&gvt->parent);
}

static const struct pci_device_id tgvt_pci_ids[] = {{PCI_DEVICE(0x1234, 0x1111)}, /* QEMU standard VGA */
						    {}};

static struct pci_driver tgvt_pci_driver = {
    /* Must be "i915": it is the prefix of every type directory name. */
    .name = "i915",
    .id_table = tgvt_pci_ids,
    .probe = tgvt_pci_probe,
    .remove = tgvt_pci_remove,
};

static int __init tgvt_init(void)
{
	int ret;

	ret = mdev_register_driver(&tvgpu_mdev_driver);
	if (ret)
		return ret;
	ret = pci_register_driver(&tgvt_pci_driver);
	if (ret)
		mdev_unregister_driver(&tvgpu_mdev_driver);
	return ret;
}

static void __exit tgvt_exit(void)
{
	pci_unregister_driver(&tgvt_pci_driver);
	mdev_unregister_driver(&tvgpu_mdev_driver);
}

module_init(tgvt_init);
module_exit(tgvt_exit);

MODULE_LICENSE("GPL v2");
MODULE_DESCRIPTION("Test double of Intel GVT-g's mdev interface on QEMU's standard VGA (igpuctl tests)");
MODULE_SOFTDEP("pre: mdev vfio");
