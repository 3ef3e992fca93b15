/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsmil - the only place that knows about kernel version differences.
 * Supported: Debian 6.1 (with its stable backports) through 6.12.
 */
#ifndef _DSMIL_COMPAT_H
#define _DSMIL_COMPAT_H

#include <linux/export.h>
#include <linux/version.h>

/*
 * platform_driver.remove returns void since 6.11; before that the void
 * variant was .remove_new (backported to Debian's 6.1).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define DSMIL_PLATFORM_REMOVE(fn)	.remove = (fn)
#else
#define DSMIL_PLATFORM_REMOVE(fn)	.remove_new = (fn)
#endif

/*
 * The API dsmil-84dev offers platform modules (dsmil-sim) is exported in
 * symbol namespace DSMIL: EXPORT_SYMBOL_NS_GPL(sym, DSMIL_NS).  The
 * namespace is an identifier before 6.13 and a string since.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define DSMIL_NS	"DSMIL"
#else
#define DSMIL_NS	DSMIL
#endif

/*
 * Since 6.4 a class_interface callback gets the device alone (before:
 * also the interface), and a thermal zone's struct device is reached
 * through thermal_zone_device() (6.1: the public struct's member).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define DSMIL_CLASS_INTF_CALLBACK(fn)	void fn(struct device *dev)
#define dsmil_tz_device(tz)		thermal_zone_device(tz)
#else
#define DSMIL_CLASS_INTF_CALLBACK(fn)	\
	void fn(struct device *dev, struct class_interface *intf)
#define dsmil_tz_device(tz)		(&(tz)->device)
#endif

#endif /* _DSMIL_COMPAT_H */
