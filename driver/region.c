// SPDX-License-Identifier: GPL-2.0
/*
 * dsmil - the DSMIL register region and the per-device windows in it.
 *
 * Group G's devices have 4 KiB windows at base + G * 64 KiB + index *
 * 4 KiB; each starts with a signature, the token id and a status word.
 *
 * On real firmware the region is physical memory the firmware reserved.
 * It is used only when an administrator names it (mmio_base/mmio_size,
 * parameters that kernel lockdown refuses) and only if every byte of it
 * is firmware-reserved: then it is claimed and the 4 MiB chunks that hold
 * windows are mapped.  The windows are discovered, never written by the
 * driver: a device has one when its header holds the signature and its
 * token.  Anything else leaves the instance without windows, and then the
 * "registers" files are absent.
 *
 * A simulated firmware (a backend with region_populate) never touches
 * physical memory: its windows live in kernel memory, and it writes their
 * headers itself, so that discovery and the files work the same way.
 */
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/security.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "dsmil.h"

#define DSMIL_REGION_CHUNK	SZ_4M
#define DSMIL_GROUP_STRIDE	SZ_64K
#define DSMIL_DEVICE_STRIDE	SZ_4K

struct dsmil_region {
	struct resource *res;		/* claimed physical region, or NULL */
	void __iomem **chunks;		/* mapped 4 MiB chunks */
	unsigned int nr_chunks;
	unsigned int mapped;
	u32 *buffer;			/* simulated windows, or NULL */
};

/* Offset of a window from the region base; slot = g * per_group + i. */
static resource_size_t dsmil_window_offset(const struct dsmil_instance *inst,
					   unsigned int slot)
{
	unsigned int per_group = inst->cfg.devices_per_group;

	return (resource_size_t)(slot / per_group) * DSMIL_GROUP_STRIDE +
	       (slot % per_group) * DSMIL_DEVICE_STRIDE;
}

static resource_size_t dsmil_region_span(const struct dsmil_instance *inst)
{
	return dsmil_window_offset(inst, inst->device_count - 1) +
	       DSMIL_WINDOW_SIZE;
}

bool dsmil_region_has_windows(const struct dsmil_instance *inst)
{
	return inst->region && (inst->region->mapped || inst->region->buffer);
}

/**
 * dsmil_window_read32() - read one 32-bit register of a device window
 * @inst: the instance, with windows
 * @slot: device slot, group * devices_per_group + index
 * @off: offset in the window, 4-byte aligned, below DSMIL_WINDOW_SIZE
 *
 * Return: the register.
 */
u32 dsmil_window_read32(const struct dsmil_instance *inst, unsigned int slot,
			unsigned int off)
{
	struct dsmil_region *r = inst->region;
	resource_size_t pos;

	if (r->buffer)
		return READ_ONCE(r->buffer[(slot * DSMIL_WINDOW_SIZE + off) / 4]);
	pos = dsmil_window_offset(inst, slot) + off;
	return ioread32(r->chunks[pos / DSMIL_REGION_CHUNK] +
			pos % DSMIL_REGION_CHUNK);
}

void dsmil_window_write32(const struct dsmil_instance *inst, unsigned int slot,
			  unsigned int off, u32 val)
{
	struct dsmil_region *r = inst->region;
	resource_size_t pos;

	if (r->buffer) {
		WRITE_ONCE(r->buffer[(slot * DSMIL_WINDOW_SIZE + off) / 4], val);
		return;
	}
	pos = dsmil_window_offset(inst, slot) + off;
	iowrite32(val, r->chunks[pos / DSMIL_REGION_CHUNK] +
		  pos % DSMIL_REGION_CHUNK);
}
EXPORT_SYMBOL_NS_GPL(dsmil_window_write32, DSMIL_NS);

/**
 * dsmil_window_present() - does a window carry its device's header?
 * @inst: the instance
 * @slot: device slot
 * @token: the token the device should have
 *
 * Return: true when there are no windows (nothing to check) or when the
 * signature and token id match.
 */
bool dsmil_window_present(const struct dsmil_instance *inst,
			  unsigned int slot, u16 token)
{
	if (!dsmil_region_has_windows(inst))
		return true;
	return dsmil_window_read32(inst, slot, DSMIL_WINDOW_SIGNATURE) ==
		       DSMIL_SIGNATURE &&
	       dsmil_window_read32(inst, slot, DSMIL_WINDOW_TOKEN) == token;
}

static int dsmil_region_map(struct dsmil_instance *inst, struct dsmil_region *r)
{
	u64 base = inst->cfg.mmio_base, size = inst->cfg.mmio_size;
	unsigned int i, needed;

	r->res = request_mem_region(base, size, "dsmil");
	if (!r->res)
		return -EBUSY;
	r->nr_chunks = DIV_ROUND_UP_ULL(size, DSMIL_REGION_CHUNK);
	r->chunks = kcalloc(r->nr_chunks, sizeof(*r->chunks), GFP_KERNEL);
	if (!r->chunks)
		return -ENOMEM;
	needed = DIV_ROUND_UP_ULL(dsmil_region_span(inst), DSMIL_REGION_CHUNK);
	for (i = 0; i < needed; i++) {
		u64 len = min_t(u64, DSMIL_REGION_CHUNK,
				size - (u64)i * DSMIL_REGION_CHUNK);

		r->chunks[i] = ioremap(base + (u64)i * DSMIL_REGION_CHUNK, len);
		if (!r->chunks[i])
			return -ENOMEM;
		r->mapped++;
	}
	return 0;
}

static void dsmil_region_unmap(struct dsmil_region *r)
{
	unsigned int i;

	for (i = 0; i < r->mapped; i++)
		iounmap(r->chunks[i]);
	r->mapped = 0;
	kfree(r->chunks);
	r->chunks = NULL;
	if (r->res)
		release_mem_region(r->res->start, resource_size(r->res));
	r->res = NULL;
}

/* Extends *@arg, the end of a gap-free run of reserved memory, by @res. */
static int dsmil_region_cover(struct resource *res, void *arg)
{
	u64 *next = arg;

	if (res->start > *next)
		return -ENXIO;		/* a hole: not reserved */
	*next = max_t(u64, *next, (u64)res->end + 1);
	return 0;
}

/*
 * Is every byte of the region firmware-reserved?  region_intersects()
 * does not say: it counts holes as "not other", so a range half reserved
 * and half unclaimed would pass.  Walk the reserved resources instead and
 * require them to cover the range without a gap.
 */
static bool dsmil_region_reserved(const struct dsmil_instance *inst)
{
	u64 start = inst->cfg.mmio_base, end = start + inst->cfg.mmio_size - 1;
	u64 next = start;

	if (end < start)
		return false;
	walk_iomem_res_desc(IORES_DESC_RESERVED, IORESOURCE_MEM, start, end,
			    &next, dsmil_region_cover);
	return next > end;
}

/* Claim and map the physical region; a failure leaves no windows. */
static void dsmil_region_setup_physical(struct dsmil_instance *inst,
					struct dsmil_region *r)
{
	int ret;

	if (inst->cfg.mmio_size < dsmil_region_span(inst)) {
		dev_warn(inst->dev, "mmio_size %llu too small for %u groups: no register windows\n",
			 inst->cfg.mmio_size, inst->cfg.groups);
		return;
	}
	if (!dsmil_region_reserved(inst)) {
		dev_warn(inst->dev, "%#llx+%llu is not wholly firmware-reserved memory: no register windows\n",
			 inst->cfg.mmio_base, inst->cfg.mmio_size);
		return;
	}
	ret = dsmil_region_map(inst, r);
	if (ret) {
		dev_warn(inst->dev, "register region %#llx+%llu unavailable: %d; no register windows\n",
			 inst->cfg.mmio_base, inst->cfg.mmio_size, ret);
		dsmil_region_unmap(r);
	}
}

/**
 * dsmil_region_setup() - make the device windows available, if possible
 * @inst: the instance; its groups and devices do not exist yet
 *
 * Never fails the instance: without windows it simply has none.  A
 * simulated firmware gets windows in kernel memory and writes their
 * headers here, before discovery.
 *
 * Return: 0 or -ENOMEM.
 */
int dsmil_region_setup(struct dsmil_instance *inst)
{
	struct dsmil_region *r;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	inst->region = r;
	if (inst->backend->region_populate) {
		r->buffer = vzalloc(array_size(inst->device_count,
					       DSMIL_WINDOW_SIZE));
		if (!r->buffer)
			return -ENOMEM;
		inst->backend->region_populate(inst);
	} else if (inst->cfg.mmio_size) {
		dsmil_region_setup_physical(inst, r);
	}
	return 0;
}

void dsmil_region_teardown(struct dsmil_instance *inst)
{
	struct dsmil_region *r = inst->region;

	if (!r)
		return;
	dsmil_region_unmap(r);
	vfree(r->buffer);
	kfree(r);
	inst->region = NULL;
}

unsigned int dsmil_region_chunks_mapped(const struct dsmil_instance *inst)
{
	return inst->region ? inst->region->mapped : 0;
}

/*
 * "registers": 32-bit aligned access only, bounds clipped by sysfs.  Raw
 * register access falls under the same lockdown rule as /dev/mem, reads
 * included: the windows expose firmware state.
 */
static int dsmil_registers_check(loff_t off, size_t count)
{
	int ret = security_locked_down(LOCKDOWN_DEV_MEM);

	if (ret)
		return ret;
	if (off % 4 || count % 4)
		return -EINVAL;
	if (off >= DSMIL_WINDOW_SIZE)
		return -EINVAL;
	return 0;
}

ssize_t dsmil_registers_read(struct dsmil_device *d, char *buf, loff_t off,
			     size_t count)
{
	size_t i;
	int ret;

	if (!count)
		return 0;
	ret = dsmil_registers_check(off, count);
	if (ret)
		return ret;
	for (i = 0; i < count; i += 4) {
		u32 val = dsmil_window_read32(d->inst, dsmil_device_slot(d),
					      off + i);

		memcpy(buf + i, &val, 4);
	}
	return count;
}

ssize_t dsmil_registers_write(struct dsmil_device *d, const char *buf,
			      loff_t off, size_t count)
{
	size_t i;
	int ret;

	if (dsmil_device_quarantined(d))
		return -EPERM;
	ret = dsmil_registers_check(off, count);
	if (ret)
		return ret;
	ret = dsmil_lock_ready(d->inst);
	if (ret)
		return ret;
	if (d->inst->backend->may_write)
		ret = d->inst->backend->may_write(d->inst);
	if (!ret && d->state == DSMIL_STATE_EMERGENCY)
		ret = -EBUSY;
	if (!ret) {
		for (i = 0; i < count; i += 4) {
			u32 val;

			memcpy(&val, buf + i, 4);
			dsmil_window_write32(d->inst, dsmil_device_slot(d),
					     off + i, val);
		}
	}
	mutex_unlock(&d->inst->lock);
	return ret ? ret : count;
}
