/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsmil - Dell MIL-SPEC DSMIL platform driver: private definitions.
 *
 * Object model: one platform device "dsmil.N" per instance owns a
 * struct dsmil_instance.  Each instance has groups (class devices
 * "dsmilN:gG", children of the platform device) and devices (class
 * devices "dsmilN:TTTT", children of their group).  Firmware access goes
 * through a backend ops table: Dell firmware (smbios.c) in this module, a
 * simulated firmware in dsmil-sim.ko (sim/).
 *
 * Locking: inst->lock serializes every firmware call and every state
 * change of the instance.  Readers of state and counters use READ_ONCE()
 * and never take it, so a slow firmware call cannot stall a plain read.
 * A stop announces itself before it waits for the lock
 * (thermal.stops_pending), so that the holder gives the lock up after the
 * firmware call in flight.
 */
#ifndef _DSMIL_H
#define _DSMIL_H

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#define DSMIL_DRV_NAME		"dsmil"
#define DSMIL_TOKEN_BASE	0x8000
#define DSMIL_GROUPS		7
#define DSMIL_DEVICES_PER_GROUP	12
#define DSMIL_MAX_GROUPS	16
#define DSMIL_MAX_DEVICES_PER_GROUP	16
#define DSMIL_MAX_DEVICES	(DSMIL_MAX_GROUPS * DSMIL_MAX_DEVICES_PER_GROUP)
#define DSMIL_QUARANTINE_COUNT	5	/* tokens on the quarantine list */

/* Register windows: one 4 KiB window per device, header at its start. */
#define DSMIL_WINDOW_SIZE	4096
#define DSMIL_WINDOW_SIGNATURE	0x0	/* DSMIL_SIGNATURE */
#define DSMIL_WINDOW_TOKEN	0x4	/* the token id */
#define DSMIL_WINDOW_STATUS	0x8	/* firmware status word */
#define DSMIL_SIGNATURE		0x4c4d5344	/* "DSML", little-endian */

/* Thermal defaults and bounds, millidegrees Celsius unless noted. */
#define DSMIL_THERMAL_LIMIT_MARGIN		10000
#define DSMIL_THERMAL_DEFAULT_HYSTERESIS	5000
#define DSMIL_THERMAL_MAX_HYSTERESIS		50000
#define DSMIL_THERMAL_MIN_THRESHOLD		20000
#define DSMIL_THERMAL_MAX_THRESHOLD		150000
#define DSMIL_THERMAL_FAST_POLL_MS		10

enum dsmil_state {
	DSMIL_STATE_ABSENT,
	DSMIL_STATE_READY,
	DSMIL_STATE_ACTIVE,
	DSMIL_STATE_ERROR,
	DSMIL_STATE_QUARANTINED,
	DSMIL_STATE_EMERGENCY,
	DSMIL_STATE_COUNT
};

/* What a write to a "state" file asks for. */
enum dsmil_request {
	DSMIL_REQ_ACTIVE,
	DSMIL_REQ_READY,
	DSMIL_REQ_RESET,
	DSMIL_REQ_COUNT
};

/* The firmware call a transition needs. */
enum dsmil_action {
	DSMIL_ACT_NONE,
	DSMIL_ACT_ACTIVATE,
	DSMIL_ACT_DEACTIVATE,
};

struct dsmil_transition {
	int err;			/* non-zero: request refused */
	enum dsmil_action action;
	enum dsmil_state to;
};

/* Why a device changed state: traced, and named in thermal uevents. */
enum dsmil_reason {
	DSMIL_REASON_REQUEST,		/* a write to "state" or activate= */
	DSMIL_REASON_FW_ERROR,		/* a firmware call failed */
	DSMIL_REASON_THERMAL_TRIP,
	DSMIL_REASON_THERMAL_CLEAR,
	DSMIL_REASON_EMERGENCY_STOP,
	DSMIL_REASON_EMERGENCY_CLEAR,
	DSMIL_REASON_RESUME,		/* the read-back after a system sleep */
	DSMIL_REASON_READBACK,		/* the initial read-back at load */
};

enum dsmil_group_state {
	DSMIL_GROUP_READY,
	DSMIL_GROUP_ACTIVE,
	DSMIL_GROUP_MIXED,
	DSMIL_GROUP_ERROR,
	DSMIL_GROUP_EMERGENCY,
};

enum dsmil_fault {
	DSMIL_FAULT_NONE,
	DSMIL_FAULT_TIMEOUT,
	DSMIL_FAULT_EIO,
};

/* Simulated firmware faults: @skip calls succeed, then @calls fail. */
struct dsmil_fault_spec {
	enum dsmil_fault kind;
	unsigned int calls;
	unsigned int skip;
};

struct dsmil_instance;
struct dsmil_region;
struct platform_device;

/**
 * struct dsmil_backend_ops - firmware access of one platform type
 * @name: value shown by the platform "backend" file
 * @create: set up backend state for @inst (inst->backend_priv)
 * @destroy: undo @create; no call is in flight any more
 * @verify: 0 if the firmware provides @token, -ENODEV if not
 * @throttle: wait until another call may be issued (optional); never
 *	called before a deactivation, which must stay fast
 * @token_read: read the live value of @token
 * @token_write: set @token to @value
 * @activate: switch the device behind @token on
 * @deactivate: switch the device behind @token off
 * @is_active: read whether the device behind @token is on (optional:
 *	without it a device starts "ready"); read for every device after
 *	probe (readback.c) and at resume (pm.c)
 * @starts_off: every device of a new instance is off (a simulated
 *	firmware that starts empty): they start "ready", with no read-back
 *	after probe; @is_active still serves at resume
 * @location: the firmware location of @token, or a negative errno
 *	(optional: without it tokens share nothing); no firmware call
 * @temperature: temperature of group @group in millidegrees Celsius
 * @thermal_source: name of the default source of @temperature, shown by
 *	the platform "thermal_source" file; NULL when the administrator
 *	opted out of thermal protection (then @temperature is never relied on)
 * @group_source: name of the source of group @group's temperature, shown
 *	by the group's "thermal_source" file (optional: without it,
 *	@thermal_source)
 * @may_write: 0 when writes may reach the firmware, else the errno
 *	(optional; -EROFS on the read-only real firmware)
 * @region_populate: a simulated firmware: its register windows live in
 *	kernel memory, and this writes their headers (optional; a backend
 *	without it can only get windows from a firmware-reserved region)
 * @suspend: the system goes to sleep; no call follows until @resume
 *	(optional)
 * @resume: the system woke up; called before the driver reads the
 *	states back (optional)
 *
 * All calls but create/destroy run with inst->lock held and may sleep,
 * but @temperature and the sources, which may also be called without
 * it (the thermal monitor samples before taking the lock).
 */
struct dsmil_backend_ops {
	const char *name;
	bool starts_off;
	int (*create)(struct dsmil_instance *inst);
	void (*destroy)(struct dsmil_instance *inst);
	int (*verify)(struct dsmil_instance *inst, u16 token);
	int (*throttle)(struct dsmil_instance *inst);
	int (*token_read)(struct dsmil_instance *inst, u16 token, u32 *value);
	int (*token_write)(struct dsmil_instance *inst, u16 token, u32 value);
	int (*activate)(struct dsmil_instance *inst, u16 token);
	int (*deactivate)(struct dsmil_instance *inst, u16 token);
	int (*is_active)(struct dsmil_instance *inst, u16 token, bool *on);
	int (*location)(struct dsmil_instance *inst, u16 token);
	int (*temperature)(struct dsmil_instance *inst, unsigned int group,
			   int *millideg);
	const char *(*thermal_source)(struct dsmil_instance *inst);
	const char *(*group_source)(struct dsmil_instance *inst,
				    unsigned int group);
	int (*may_write)(struct dsmil_instance *inst);
	void (*region_populate)(struct dsmil_instance *inst);
	void (*suspend)(struct dsmil_instance *inst);
	void (*resume)(struct dsmil_instance *inst);
};

/**
 * struct dsmil_params - the instance parameters a module takes at load
 * @activate: comma-separated groups to activate once up, "" for none
 * @smi_timeout_ms: upper bound of one firmware call
 * @thermal_threshold: platform ceiling, degrees Celsius
 * @thermal_poll_ms: thermal monitor period while all is cool
 * @thermal_grace_ms: how long readings may fail before every device stops
 *
 * dsmil-84dev and dsmil-sim read the same parameters through one parser,
 * dsmil_config_init().
 */
/* Whether an instance's device states are read after probe (readback.c). */
static inline bool dsmil_reads_at_load(const struct dsmil_backend_ops *ops)
{
	return ops->is_active && !ops->starts_off;
}

struct dsmil_params {
	const char *activate;
	unsigned int smi_timeout_ms;
	unsigned int thermal_threshold;
	unsigned int thermal_poll_ms;
	unsigned int thermal_grace_ms;
};

/**
 * struct dsmil_config - what an instance is built from (platform data)
 * @ops: the firmware backend; its module outlives the instance
 * @groups: number of groups
 * @devices_per_group: devices in each group
 * @token_base: token of the first device
 * @activate_mask: groups to activate once the instance is up
 * @smi_timeout_ms: upper bound of one firmware call
 * @thermal_threshold: platform ceiling, millidegrees Celsius
 * @thermal_poll_ms: thermal monitor period while all is cool
 * @thermal_grace_ms: how long readings may fail before every device stops
 * @mmio_base: physical base of the register region (real firmware only)
 * @mmio_size: its size in bytes, 0 for none
 * @sim_absent: devices (by index) the simulated firmware does not provide
 * @probe_error: set by probe in the platform device's copy, so that the
 *	creator of the instance learns why it failed
 */
struct dsmil_config {
	const struct dsmil_backend_ops *ops;
	unsigned int groups;
	unsigned int devices_per_group;
	u16 token_base;
	unsigned long activate_mask;
	unsigned int smi_timeout_ms;
	int thermal_threshold;
	unsigned int thermal_poll_ms;
	unsigned int thermal_grace_ms;
	u64 mmio_base;
	u64 mmio_size;
	DECLARE_BITMAP(sim_absent, DSMIL_MAX_DEVICES);
	int probe_error;
};

/* Counters of one device; written under inst->lock, read with READ_ONCE(). */
struct dsmil_stats {
	unsigned long reads;
	unsigned long writes;
	unsigned long errors;
	unsigned long activations;
	unsigned long refused_writes;
};

struct dsmil_group;

struct dsmil_device {
	struct device dev;
	struct dsmil_instance *inst;
	struct dsmil_group *group;
	u16 token;
	unsigned int index;
	bool quarantined;		/* set before device_add, then fixed */
	bool unread;			/* under inst->lock: not read yet */
	u16 quarantined_by;		/* the listed token, maybe d->token */
	int location;			/* firmware location, negative: none */
	enum dsmil_state state;
	struct dsmil_stats stats;
	int thermal_limit;		/* m°C, under inst->lock, WRITE_ONCE() */
	bool thermal_tripped;		/* under inst->lock */
};

struct dsmil_group {
	struct device dev;
	struct dsmil_instance *inst;
	unsigned int index;
	struct dsmil_device **members;		/* slice of inst->devices */
	enum dsmil_group_state reported;	/* last state sent in a uevent */
	int temperature;		/* last reading, under inst->lock */
	unsigned int alarms;		/* hwmon alarm bits last announced */
};

/* Platform thermal counters; written under inst->lock. */
struct dsmil_thermal_stats {
	unsigned long thermal_trips;
	unsigned long emergency_stops;
	u64 last_stop_latency_ns;
	u64 max_stop_latency_ns;
};

/**
 * struct dsmil_thermal - thermal state of an instance, under inst->lock
 * @threshold: platform ceiling (m°C): at or above it everything stops
 * @hysteresis: how far below a limit a temperature must fall to clear
 * @platform_tripped: some group reached @threshold and has not cooled
 * @manual_stop: emergency_stop was set by a person
 * @no_source: the administrator opted out (thermal_source "none")
 * @readings_ok: the last sample read every group: activation allowed
 * @faulted: readings failed for longer than the grace: all stopped
 * @failing_since: when readings started failing (0: they do not)
 * @last_sample: when the last sample acted upon was taken
 * @trip_at: per group, the lowest limit of a member a crossing would stop
 *	(INT_MAX: none); read without the lock to announce a stop early
 * @stats: counters shown in the platform statistics directory
 * @stops_pending: stops waiting for inst->lock: while non-zero no
 *	activation reaches the firmware and no caller waits for a rate slot
 * @stop_wq: woken when a stop is requested (rate-limit waits end) and
 *	when the last pending stop is done (the initial read-back goes on)
 * @work: the monitor
 * @hwmon: the hwmon device of the instance, or NULL
 * @hwmon_chip: what @hwmon was registered with, freed after it
 *
 * Fields also read without the lock (sysfs shows, the monitor's lockless
 * pre-check) are written with WRITE_ONCE() and read with READ_ONCE():
 * @threshold, @hysteresis, @manual_stop, @no_source, @platform_tripped,
 * @faulted, @failing_since, @trip_at and the @stats counters.
 */
struct dsmil_thermal {
	int threshold;
	int hysteresis;
	bool platform_tripped;
	bool manual_stop;
	bool no_source;
	bool readings_ok;
	bool faulted;
	ktime_t failing_since;
	ktime_t last_sample;
	int trip_at[DSMIL_MAX_GROUPS];
	struct dsmil_thermal_stats stats;
	atomic_t stops_pending;
	wait_queue_head_t stop_wq;
	struct delayed_work work;
	struct device *hwmon;
	void *hwmon_chip;
};

struct dsmil_instance {
	struct device *dev;			/* the platform device */
	int id;
	struct dsmil_config cfg;
	struct mutex lock;			/* firmware calls, state changes */
	const struct dsmil_backend_ops *backend;
	void *backend_priv;
	struct dentry *debugfs;
	bool live;				/* under lock: all objects exist */
	bool suspended;				/* under lock, WRITE_ONCE(): asleep */
	bool ready;				/* under lock: initial read-back done */
	struct work_struct readback;		/* the initial read-back */
	unsigned int device_count;
	struct dsmil_group **groups;
	struct dsmil_device **devices;
	struct dsmil_thermal thermal;
	struct dsmil_region *region;
};

static inline struct dsmil_device *to_dsmil_device(struct device *dev)
{
	return container_of(dev, struct dsmil_device, dev);
}

static inline struct dsmil_group *to_dsmil_group(struct device *dev)
{
	return container_of(dev, struct dsmil_group, dev);
}

static inline enum dsmil_state dsmil_device_state(const struct dsmil_device *d)
{
	return READ_ONCE(d->state);
}

/**
 * dsmil_device_slot() - the device's place in its instance
 * @d: the device
 *
 * Return: group * devices_per_group + index: its token's offset from the
 * token base and the number of its register window.
 */
static inline unsigned int dsmil_device_slot(const struct dsmil_device *d)
{
	return d->group->index * d->inst->cfg.devices_per_group + d->index;
}

/* Quarantined by the list or by a location shared with a listed token. */
static inline bool dsmil_device_quarantined(const struct dsmil_device *d)
{
	return d->quarantined;
}

/* A stop is on its way: nothing may switch a device on or wait meanwhile. */
static inline bool dsmil_stop_pending(struct dsmil_instance *inst)
{
	return atomic_read(&inst->thermal.stops_pending) > 0;
}

/*
 * dsmil_stop_begin() - a stop is on its way: from now on no activation
 * reaches the firmware and rate-limit waits end; dsmil_stop_end() once
 * it is done.
 */
static inline void dsmil_stop_begin(struct dsmil_instance *inst)
{
	atomic_inc(&inst->thermal.stops_pending);
	wake_up_all(&inst->thermal.stop_wq);
}

static inline void dsmil_stop_end(struct dsmil_instance *inst)
{
	if (atomic_dec_and_test(&inst->thermal.stops_pending))
		wake_up_all(&inst->thermal.stop_wq);
}

/* hwmon alarm bits of a group (dsmil_group_alarms()) */
#define DSMIL_ALARM_MAX		BIT(0)
#define DSMIL_ALARM_CRIT	BIT(1)

/*
 * The API for platform modules (dsmil-sim), exported in namespace DSMIL.
 * core.c: instances; config.c: their description from load parameters.
 */
struct platform_device *dsmil_instance_create(const struct dsmil_config *cfg);
void dsmil_instance_remove(struct platform_device *pdev);
int dsmil_config_init(struct dsmil_config *cfg,
		      const struct dsmil_params *params);

/* core.c */
extern struct class dsmil_class;

/* hardware.c: the instance on Dell DSMIL firmware */
int dsmil_hardware_init(void);
void dsmil_hardware_exit(void);

/* parse.c: pure input parsers, no side effects */
int dsmil_parse_request(const char *buf, size_t count, enum dsmil_request *req);
int dsmil_parse_u32(const char *buf, size_t count, u32 *val);
int dsmil_parse_group_list(const char *s, unsigned int groups,
			   unsigned long *mask);
int dsmil_parse_millideg(const char *buf, size_t count, int min, int max,
			 int *val);
int dsmil_parse_token_list(const char *buf, size_t count, u16 *tokens,
			   unsigned int max, unsigned int *n);
int dsmil_parse_fault(const char *buf, size_t count,
		      struct dsmil_fault_spec *spec);
const char *dsmil_state_name(enum dsmil_state state);
const char *dsmil_reason_event(enum dsmil_reason reason);
const char *dsmil_group_state_name(enum dsmil_group_state state);

/* rules.c: the quarantine list, the state machine and the layout, as data */
bool dsmil_token_quarantined(u16 token);
u16 dsmil_quarantine_token(unsigned int i);
u16 dsmil_quarantine_match(u16 token, int loc,
			   const int qloc[DSMIL_QUARANTINE_COUNT]);
bool dsmil_firmware_token(u16 token);
const struct dsmil_transition *dsmil_transition(enum dsmil_state from,
						enum dsmil_request req);
u16 dsmil_slot_token(const struct dsmil_config *cfg, unsigned int slot);
int dsmil_token_slot(const struct dsmil_config *cfg, u16 token);
bool dsmil_thermal_hot(int temp, int limit, int hyst, bool tripped);
int dsmil_group_limit(const struct dsmil_group *g);
unsigned int dsmil_group_alarms(const struct dsmil_group *g);

/* Members a group request acts on, and its derived state counts. */
static inline bool dsmil_device_eligible(const struct dsmil_device *d)
{
	enum dsmil_state state = dsmil_device_state(d);

	return !dsmil_device_quarantined(d) &&
	       state != DSMIL_STATE_ABSENT && state != DSMIL_STATE_QUARANTINED;
}

/* ops.c: the operations that enforce the safety rules */
int dsmil_lock_live(struct dsmil_instance *inst);
int dsmil_lock_ready(struct dsmil_instance *inst);
void dsmil_device_init_quarantine(struct dsmil_device *d);
bool dsmil_device_change_state(struct dsmil_device *d, enum dsmil_state state,
			       enum dsmil_reason reason);
int dsmil_device_store_state(struct dsmil_device *d, const char *buf,
			     size_t count);
int dsmil_device_store_value(struct dsmil_device *d, const char *buf,
			     size_t count);
int dsmil_device_read_value(struct dsmil_device *d, u32 *val);
int dsmil_group_store_state(struct dsmil_group *g, const char *buf,
			    size_t count);
int dsmil_group_request(struct dsmil_group *g, enum dsmil_request req);
int dsmil_group_read_state(struct dsmil_group *g,
			   enum dsmil_group_state *state);
int dsmil_group_read_active(struct dsmil_group *g, unsigned int *active);
unsigned int dsmil_group_active_count(struct dsmil_group *g);
unsigned int dsmil_instance_active_count(struct dsmil_instance *inst);

/* backend.c: the bounded, accounted firmware calls */
int dsmil_fw_verify(struct dsmil_device *d);
int dsmil_fw_read(struct dsmil_device *d, u32 *val);
int dsmil_fw_write(struct dsmil_device *d, u32 val);
int dsmil_fw_action(struct dsmil_device *d, enum dsmil_action action);
int dsmil_fw_is_active(struct dsmil_device *d, bool *on);
int dsmil_device_readback(struct dsmil_device *d, bool *on);
int dsmil_fw_location(struct dsmil_instance *inst, u16 token);
int dsmil_fw_temperature(struct dsmil_instance *inst, unsigned int group,
			 int *millideg);
const char *dsmil_fw_group_source(struct dsmil_instance *inst,
				  unsigned int group);

/* thermal.c */
void dsmil_thermal_init(struct dsmil_instance *inst);
void dsmil_thermal_start(struct dsmil_instance *inst);
void dsmil_thermal_stop(struct dsmil_instance *inst);
void dsmil_thermal_evaluate(struct dsmil_instance *inst);
void dsmil_thermal_notify(struct dsmil_instance *inst);
int dsmil_thermal_may_activate(struct dsmil_instance *inst);
void dsmil_thermal_set_manual_stop(struct dsmil_instance *inst, bool on,
				   ktime_t trigger);
int dsmil_thermal_set_limit(struct dsmil_instance *inst,
			    struct dsmil_group *g, struct dsmil_device *d,
			    int limit);
void dsmil_thermal_set_threshold(struct dsmil_instance *inst, int threshold);
int dsmil_thermal_store_limit(struct dsmil_instance *inst,
			      struct dsmil_group *g, struct dsmil_device *d,
			      const char *buf, size_t count);
int dsmil_thermal_store_threshold(struct dsmil_instance *inst,
				  const char *buf, size_t count);
int dsmil_thermal_store_hysteresis(struct dsmil_instance *inst,
				   const char *buf, size_t count);
int dsmil_thermal_store_emergency(struct dsmil_instance *inst,
				  const char *buf, size_t count);
int dsmil_thermal_read_group_limit(struct dsmil_group *g, int *limit);
int dsmil_thermal_read_temp(struct dsmil_group *g, int *millideg);

/* pm.c: system sleep */
extern const struct dev_pm_ops dsmil_pm_ops;

/* readback.c: the initial read-back of the device states */
void dsmil_readback_init(struct dsmil_instance *inst);
bool dsmil_readback_start(struct dsmil_instance *inst);
void dsmil_readback_announce(struct dsmil_instance *inst);
void dsmil_readback_cancel(struct dsmil_instance *inst);

/* hwmon.c */
int dsmil_hwmon_register(struct dsmil_instance *inst);
void dsmil_hwmon_unregister(struct dsmil_instance *inst);

/* region.c */
int dsmil_region_setup(struct dsmil_instance *inst);
void dsmil_region_teardown(struct dsmil_instance *inst);
bool dsmil_region_has_windows(const struct dsmil_instance *inst);
unsigned int dsmil_region_chunks_mapped(const struct dsmil_instance *inst);
u32 dsmil_window_read32(const struct dsmil_instance *inst, unsigned int slot,
			unsigned int off);
void dsmil_window_write32(const struct dsmil_instance *inst, unsigned int slot,
			  unsigned int off, u32 val);
bool dsmil_window_present(const struct dsmil_instance *inst,
			  unsigned int slot, u16 token);
ssize_t dsmil_registers_read(struct dsmil_device *d, char *buf, loff_t off,
			     size_t count);
ssize_t dsmil_registers_write(struct dsmil_device *d, const char *buf,
			      loff_t off, size_t count);

/* smbios.c */
extern const struct dsmil_backend_ops dsmil_smbios_backend;
bool dsmil_smbios_detect(void);
int dsmil_smbios_check_params(void);

/* zone.c: the thermal zones behind the smbios backend's temperatures */
int dsmil_zone_check_params(unsigned int groups);
void dsmil_zone_exit(void);
int dsmil_zone_temperature(struct dsmil_instance *inst, unsigned int group,
			   int *millideg);
const char *dsmil_zone_source(struct dsmil_instance *inst);
const char *dsmil_zone_group_source(struct dsmil_instance *inst,
				    unsigned int group);
void dsmil_zone_announce(struct dsmil_instance *inst);

/* group.c, device.c: class objects */
int dsmil_groups_create(struct dsmil_instance *inst);
void dsmil_groups_destroy(struct dsmil_instance *inst);
int dsmil_devices_create(struct dsmil_instance *inst);
void dsmil_devices_destroy(struct dsmil_instance *inst);
void dsmil_objects_wait_released(void);
void dsmil_object_get_ref(void);
void dsmil_object_put_ref(void);

/* notify.c: announcements, below the operations */
void dsmil_notify_device(struct dsmil_device *d, enum dsmil_reason reason,
			 int millideg);
void dsmil_notify_device_poll(struct dsmil_device *d);
enum dsmil_group_state dsmil_group_state(struct dsmil_group *g);
void dsmil_notify_group_state(struct dsmil_group *g);
void dsmil_notify_alarms(struct dsmil_group *g);
void dsmil_notify_platform(struct dsmil_instance *inst, const char *event,
			   int millideg);
void dsmil_notify_emergency(struct dsmil_instance *inst, bool on);
void dsmil_notify_resume(struct dsmil_instance *inst, unsigned int changed);

#endif /* _DSMIL_H */
