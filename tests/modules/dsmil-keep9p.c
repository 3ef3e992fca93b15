// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil-keep9p - test support for tests/kernel/pm.bats, built and loaded
 * in the test guest only: keeps the guest's virtio PCI functions out of
 * system sleep.
 *
 * The guest's root and results share are 9p over virtio.  virtio_pci's
 * suspend callback resets the device on resume, and 9pnet_virtio has no
 * restore callback to set its queue up again, so after any suspend the
 * guest has lost its filesystems.  Marked "syscore", the virtio functions
 * are skipped by the PM core; every other device, dsmil's included, is
 * suspended and resumed through the kernel's own path.  Unloading clears
 * the marks.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/pm.h>

static int dsmil_keep9p_mark(struct device *dev, void *data)
{
	struct pci_dev *pdev = to_pci_dev(dev);

	if (pdev->vendor == PCI_VENDOR_ID_REDHAT_QUMRANET) {
		dev_pm_syscore_device(dev, *(bool *)data);
		dev_info(dev, "virtio function %s system sleep\n",
			 *(bool *)data ? "kept out of" : "back in");
	}
	return 0;
}

static int __init dsmil_keep9p_init(void)
{
	bool on = true;

	return bus_for_each_dev(&pci_bus_type, NULL, &on, dsmil_keep9p_mark);
}

static void __exit dsmil_keep9p_exit(void)
{
	bool off = false;

	bus_for_each_dev(&pci_bus_type, NULL, &off, dsmil_keep9p_mark);
}

module_init(dsmil_keep9p_init);
module_exit(dsmil_keep9p_exit);

MODULE_DESCRIPTION("dsmil test support: virtio PCI functions skip system sleep");
MODULE_LICENSE("GPL");
