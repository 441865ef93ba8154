/**
 * @file vtlb.h
 * @brief The virtual TLB (US 6,907,600, Fig. 6, item 604) and the guest page walk.
 *
 * The guest keeps its own page tables (the patent's Fig. 2 hierarchy, 602);
 * the CPU really walks the shadow tables kept here, which cache guest
 * translations the way a TLB does: filled on "hidden" page faults, emptied
 * when the guest executes INVLPG or writes CR3. Backend-neutral: guest memory
 * and the shadow pool are reached only through struct guest_mem and the
 * pool handed to vtlb_init(), so the same files build into the kernel and
 * into host unit tests.
 *
 * Labs: 2 is gwalk() (shadow/walk.c), 3 is vtlb_fill() (shadow/fill.c),
 * 4 is invalidation (shadow/invalidate.c), 6 (optional) is shadow caching
 * (shadow/cache.c, the vtlb_cache_* functions). The rest is given: the
 * entries (shadow/vtlb.c) in a pool of shadow pages (shadow/pool.c), the
 * guest's RAM (shadow/guest_mem.c), the page-fault entry point
 * (shadow/fault.c) and the device memory it leaves to the hypervisor
 * (shadow/device.c), one entry point per invalidating event
 * (shadow/events.c), the refill statistics (shadow/refills.c), lab 6's
 * roots and write protection (shadow/roots.c) and the walk trace
 * (shadow/trace.c).
 */
#ifndef SHADOW_VTLB_H
#define SHADOW_VTLB_H

#include "kernel/lib.h"
#include "shadow/pte.h"

#ifndef VTLB_POOL_PAGES
#define VTLB_POOL_PAGES 256 /**< shadow pages per VM (1 MiB): the root and up to 255 page tables */
#endif
#define VTLB_POOL_MAX 1024  /**< the largest pool vtlb_init() accepts */
#define VTLB_SEEN     4096  /**< pages remembered per epoch, to count refills (a power of two) */
#define VTLB_ROOTS    8     /**< slots of roots (shadow page directories) per VM: one per cached guest address space (lab 6) */
#define VTLB_GUEST_FRAMES 16384 /**< guest frames lab 6 can write-protect: 64 MiB of guest RAM */
#define VTLB_UNSYNC_MAX   64    /**< written (unsync) guest page tables listed at once; past that, the next resync drops everything */
#define VTLB_NO_FRAME     0xFFFFFFFFu /**< derived_from[] of a shadow PT filled from a 4 MiB page */
#define VTLB_DEVICES_MAX  4     /**< ranges of device memory per VM (vtlb_add_device) */

/** @brief A VM's guest-physical RAM as the virtual TLB sees it. */
struct guest_mem {
	uint8_t *ram;  /**< guest-physical 0, as a host pointer */
	uint32_t size; /**< bytes of RAM */
	uint32_t hpa;  /**< host-physical address of guest-physical 0 */
};

/** @brief A range of guest-physical device memory, outside RAM: never mapped in a shadow. */
struct vtlb_device {
	uint32_t base; /**< its first guest-physical address (page-aligned) */
	uint32_t size; /**< its bytes (whole pages) */
};

/** @brief The guest's paging state: its view of CR0, CR3, CR4. */
struct guest_mode {
	uint32_t cr0; /**< PG and WP matter */
	uint32_t cr3; /**< the guest's page directory */
	uint32_t cr4; /**< PSE and PGE matter */
};

/** @brief How a guest walk ended. */
enum walk_status {
	WALK_OK,      /**< the access is allowed: @c gpa is the translation */
	WALK_FAULT,   /**< the guest's own tables forbid it: @c error_code is the \#PF's */
	WALK_BAD_GPA, /**< a guest table or frame lies outside the VM's RAM: @c bad says which */
};

/** @brief Which guest table or frame of a walk lies outside the VM's RAM (WALK_BAD_GPA). */
enum walk_bad {
	BAD_NONE,           /**< the walk did not end with WALK_BAD_GPA */
	BAD_PAGE_DIRECTORY, /**< the page directory (its PDE for the address) */
	BAD_PAGE_TABLE,     /**< the page table the PDE points to (the PTE for the address) */
	BAD_PAGE_FRAME,     /**< the page frame the walk arrived at */
};

/** @brief The result of gwalk(): everything a fill, a fault or a trace needs. */
struct walk {
	enum walk_status status; /**< how it ended */
	uint32_t gpa;            /**< the guest-physical address of gva (valid for WALK_OK only) */
	bool user;               /**< WALK_OK: user-accessible at every level */
	bool writable;           /**< WALK_OK: writable at every level */
	bool global;             /**< WALK_OK: a global page (G bit, with CR4.PGE) */
	bool large;              /**< mapped by a 4 MiB PDE */
	uint32_t error_code;     /**< WALK_FAULT: PFERR_* bits */
	uint32_t pde_gpa;        /**< guest-physical address of the PDE */
	uint32_t pde;            /**< its value */
	uint32_t pte_gpa;        /**< guest-physical address of the PTE, when one was read */
	uint32_t pte;            /**< its value, when one was read (not for a 4 MiB page) */
	enum walk_bad bad;       /**< WALK_BAD_GPA: which one lies outside RAM (walk_bad_name() names it) */
	uint32_t bad_gpa;        /**< WALK_BAD_GPA: the address outside RAM: the entry's (directory,
				      table), or the frame's 4 KiB-aligned address (frame) */
};

/** @brief Counters for the exit statistics. */
struct vtlb_stats {
	uint64_t hidden_faults; /**< faults filled from the guest's tables */
	uint64_t new_entries;   /**< fills of an empty shadow entry (upgrades excluded) */
	uint64_t refills;       /**< of those, pages already filled since the last CR3 write (global
				     pages: since the last paging-mode change): what invalidation cost */
	uint64_t true_faults;   /**< faults reflected to the guest */
	uint64_t invlpg_drops;  /**< shadow entries dropped by INVLPG */
	uint64_t cr3_drops;     /**< shadow entries dropped by CR3 writes */
	uint64_t flush_drops;   /**< shadow entries dropped by paging-mode changes */
	uint64_t evictions;     /**< shadow page tables evicted because the pool was full */
	uint64_t root_hits;     /**< lab 6: CR3 writes that found their address space cached */
	uint64_t root_misses;   /**< lab 6: CR3 writes that had to start a shadow PD */
	uint64_t pt_writes;     /**< lab 6: guest writes to write-protected page tables */
	uint64_t resync_drops;  /**< lab 6: shadow entries dropped because their guest table was written */
	uint64_t resync_updates; /**< lab 6: shadow entries rewritten in place from their written guest table */
	uint64_t pt_emulated;   /**< lab 6: of pt_writes, the ones the hypervisor emulated (the table stayed protected) */
	uint64_t prefetches;    /**< lab 6: shadow entries filled beside a hidden fault's, from the same guest table */
	uint32_t pages_peak;    /**< most shadow pages in use at once */
};

/** @brief One root: the shadow page directory of one guest address space, kept in a slot of vtlb.roots[]. */
struct vtlb_root {
	int16_t pd_page;            /**< pool page of the shadow PD, -1 when the slot is unused */
	uint32_t guest_pd;          /**< lab 6: the guest page directory (CR3 & PTE_FRAME) it shadows */
	uint32_t last_used;         /**< lab 6: the switch that last made it current, for eviction */
	bool young;                 /**< lab 6: loaded (vtlb_root_load) and not yet switched away from: its first epoch */
	int16_t pt_of_pdx[ENTRIES]; /**< pool page of the shadow PT at each PD index, or -1 */
};

/** @brief A page filled in the current epochs (vtlb.seen[], shadow/refills.c). */
struct vtlb_seen {
	uint32_t page; /**< the page's number (gva >> PAGE_SHIFT_4K) */
	uint32_t tag;  /**< the epoch it was filled in */
};

/** @brief Where the last writable shadow entry of a guest frame was installed (lab 6). */
struct vtlb_place {
	int16_t page; /**< the pool page of its shadow PT */
	uint16_t ptx; /**< its index there */
};

/** @brief One VM's virtual TLB: shadow page directories and page tables from a bounded pool. */
struct vtlb {
	struct guest_mem mem;               /**< the guest's RAM */
	uint8_t *pool;                      /**< the pool's first page (page 0 is slot 0's shadow PD) */
	uint32_t pool_hpa;                  /**< its host-physical address */
	int pool_pages;                     /**< pages in the pool */
	struct vtlb_root roots[VTLB_ROOTS]; /**< the roots, by slot; without lab 6 only slot 0 is used */
	int cur;                            /**< the slot of the current root: the one the CPU walks */
	int16_t pdx_of_page[VTLB_POOL_MAX]; /**< PD index using each pool page, -1 when free, -2 for a PD */
	int8_t slot_of_page[VTLB_POOL_MAX]; /**< the slot of the root each pool page belongs to */
	uint16_t present[VTLB_POOL_MAX];    /**< present entries in each pool page's PT */
	uint16_t globals[VTLB_POOL_MAX];    /**< of those, SPTE_GLOBAL ones */
	uint16_t larges[VTLB_POOL_MAX];     /**< of those, SPTE_LARGE ones: vtlb_drop_large scans only a PT holding some */
	uint16_t written_lo[VTLB_POOL_MAX]; /**< each pool page's lowest entry written since it was
					     zeroed (ENTRIES: none), so that only these are scanned and zeroed */
	uint16_t written_hi[VTLB_POOL_MAX]; /**< and its highest */
	int high_water;                     /**< pool pages at or above this never held a PT */
	int pages_in_use;                   /**< pool pages holding the PD or a PT */
	int clock;                          /**< next eviction candidate */
	int emptied;                        /**< nonzero: vtlb_drop_all emptied PTs in place since a full
					     pool last found none, so a full pool looks for one before it evicts */
	bool hw_flush;                      /**< entries were dropped: the CPU's TLB must forget them */
	uint32_t epoch;                     /**< advanced by every CR3 write and mode change */
	uint32_t global_epoch;              /**< advanced by every paging-mode change */
	struct vtlb_seen seen[VTLB_SEEN];   /**< pages filled in the current epochs */
	struct vtlb_stats stats;            /**< counters */
	/* Lab 6 (hypervisor option cache): roots kept across CR3 writes, and the
	 * guest page tables they were filled from write-protected (shadow/roots.c). */
	bool caching;                       /**< lab 6 is on: keep roots, protect their guest tables */
	uint32_t switches;                  /**< root switches so far, for last_used */
	uint32_t derived_from[VTLB_POOL_MAX]; /**< the guest PT (gpa) each shadow PT was filled from */
	int16_t derived_first[VTLB_GUEST_FRAMES]; /**< per guest frame: the first shadow PT filled from it (0: none) */
	int16_t derived_next[VTLB_POOL_MAX];  /**< the next shadow PT filled from the same guest table (0: none) */
	uint32_t derived_pde[VTLB_POOL_MAX];  /**< the guest PDE each shadow PT was filled under */
	uint16_t derived[VTLB_GUEST_FRAMES];  /**< per guest frame: roots and shadow PTs filled from it
						   (nonzero: write-protected in every shadow) */
	uint8_t unsync[VTLB_GUEST_FRAMES];    /**< per guest frame: written since it was protected */
	uint16_t rw_maps[VTLB_GUEST_FRAMES];  /**< per guest frame: writable shadow entries mapping it */
	struct vtlb_place rw_where[VTLB_GUEST_FRAMES]; /**< per guest frame: the last one installed */
	uint8_t emulated[VTLB_GUEST_FRAMES];  /**< per guest frame: writes to it emulated in epoch emulated_in[] (lab 6) */
	uint16_t emulated_in[VTLB_GUEST_FRAMES]; /**< the epoch (its low 16 bits) they were counted in */
	uint8_t rewrites[VTLB_GUEST_FRAMES];  /**< per guest frame: syncs of the written table, for the flood rule (lab 6) */
	uint32_t unsync_list[VTLB_UNSYNC_MAX]; /**< those frames (gpa), for vtlb_resync() */
	int unsync_count;                   /**< entries in unsync_list; above VTLB_UNSYNC_MAX: lost count */
	bool write_protected;               /**< the last vtlb_set_pte() made its entry read-only: its frame holds a guest table */
	uint32_t protected_gpa;             /**< that frame (guest-physical) */
	uint32_t refused_gva;               /**< nonzero refused_spte: the page vtlb_set_pte() would not map */
	uint32_t refused_spte;              /**< the entry it refused (its frame lies outside the VM's RAM) */
	struct vtlb_device devices[VTLB_DEVICES_MAX]; /**< the VM's device memory (vtlb_add_device) */
	int device_count;                   /**< entries in devices */
};

/** @brief What the hypervisor must do about a page fault. */
enum vtlb_result {
	VTLB_FILLED,  /**< a hidden fault: the shadow now has the entry; re-execute */
	VTLB_REFLECT, /**< a true fault: inject \#PF with @c error_code, CR2 = the address */
	VTLB_BAD,     /**< outside its RAM, or an exit the shadow contradicts: stop the VM */
	VTLB_DEVICE,  /**< the guest's tables allow the access and it reaches device memory:
			   the hypervisor emulates the instruction; nothing was filled */
	VTLB_PT_WRITE, /**< lab 6: a write to a write-protected guest page table: the hypervisor
			    emulates it and calls vtlb_pt_write_done() (or vtlb_pt_write_refused()) */
};

/**
 * @brief Start an empty virtual TLB for @p mem with @p pages shadow pages at
 * @p pool (host-physical @p pool_hpa, below 4 GiB, zeroed).
 */
void vtlb_init(struct vtlb *v, struct guest_mem mem, uint8_t *pool, uint32_t pool_hpa, int pages);

/**
 * @brief Make guest-physical [@p base, @p base + @p size) device memory: an
 * access there is answered VTLB_DEVICE instead of stopping the VM. Both
 * page-aligned, outside RAM; false when they are not or the list is full.
 */
bool vtlb_add_device(struct vtlb *v, uint32_t base, uint32_t size);

/** @brief True when guest-physical @p gpa lies in one of the VM's device ranges. */
bool vtlb_is_device(const struct vtlb *v, uint32_t gpa);

/**
 * @brief A new CR3 (@p mode_change false) or a new paging mode (true) begins:
 * from now on a page filled again is a first fill, not a refill. Called by
 * shadow/events.c before the lab 4 functions; counts only, drops nothing.
 */
void vtlb_new_epoch(struct vtlb *v, bool mode_change);

/** @brief Host-physical address of the current root's shadow page directory: the real CR3. */
uint32_t vtlb_cr3(const struct vtlb *v);

/** @brief The guest executed INVLPG @p gva: lab 4's vtlb_invlpg(), or lab 6's vtlb_cache_invlpg() with the cache on. */
void vtlb_on_invlpg(struct vtlb *v, const struct guest_mode *mode, uint32_t gva);

/** @brief The guest wrote CR3 (@p mode has the new value): a new epoch, then lab 4's vtlb_cr3_write(), or lab 6's vtlb_cache_cr3_write() with the cache on. */
void vtlb_on_cr3_write(struct vtlb *v, const struct guest_mode *mode);

/** @brief CR0 or CR4 changed from @p old to @p now: a new epoch, lab 4's vtlb_mode_change(), and with the cache on vtlb_cache_reset() when the paging bits changed. */
void vtlb_on_mode_change(struct vtlb *v, const struct guest_mode *old, const struct guest_mode *now);

/**
 * @brief Handle a page fault at @p gva with the CPU's error code @p hw_error.
 *
 * With guest paging off the shadow maps guest address x to guest-physical x,
 * read-only until the first write. With paging on it walks the guest's
 * tables (gwalk()) and, unless the access reaches device memory, calls
 * vtlb_fill(). An allowed access to device memory (vtlb_add_device) is
 * VTLB_DEVICE, with its guest-physical address in @p gpa: the guest's A (and
 * D) bits are set, the shadow is left without the page, vtlb_fill() is not
 * called; a forbidden one is a true fault as anywhere.
 * A not-present @p hw_error on a page the shadow maps is impossible on the
 * CPU: it is reported as VTLB_BAD, naming the exit's error code. A fault
 * reflected to the guest drops the faulting page's shadow entry (all pieces
 * of a 4 MiB page), as a page fault invalidates its translations
 * (SDM Vol3A 4.10.4.1).
 * @param v          the VM's virtual TLB
 * @param mode       the guest's paging state
 * @param gva        the faulting address (CR2)
 * @param hw_error   the error code the CPU gave for the shadow walk
 * @param error_code receives the guest's error code for VTLB_REFLECT
 * @param gpa        receives the guest-physical address for VTLB_DEVICE
 * @param why        receives the reason for VTLB_BAD
 * @param why_size   bytes of @p why
 */
enum vtlb_result vtlb_page_fault(struct vtlb *v, const struct guest_mode *mode, uint32_t gva,
				 uint32_t hw_error, uint32_t *error_code, uint32_t *gpa, char *why,
				 size_t why_size);

/**
 * @brief The hypervisor emulates an instruction's access to @p gva (SMSW's
 * or LMSW's memory operand): as the CPU would, walk the guest's tables with
 * the access's rights, set A (and D), and fill the shadow; or reflect the
 * fault (VTLB_REFLECT, @p error_code), invalidating the page as
 * vtlb_page_fault() does; device memory is VTLB_DEVICE, as there.
 * @param v          the VM's virtual TLB
 * @param mode       the guest's paging state
 * @param gva        the address accessed
 * @param write      the access is a write
 * @param user       the access is made at CPL 3
 * @param gpa        receives the guest-physical address for VTLB_FILLED and VTLB_DEVICE
 * @param error_code receives the guest's error code for VTLB_REFLECT
 * @param why        receives the reason for VTLB_BAD
 * @param why_size   bytes of @p why
 */
enum vtlb_result vtlb_access(struct vtlb *v, const struct guest_mode *mode, uint32_t gva, bool write,
			     bool user, uint32_t *gpa, uint32_t *error_code, char *why, size_t why_size);

/**
 * @brief Lab 2: walk the guest's tables for an access to @p gva.
 *
 * Reads guest memory only through guest_entry(). Sets no A or D bits.
 * SDM Vol3A 4.3 (32-Bit Paging), 4.6 (Access Rights), 4.7 (Page-Fault Exceptions).
 * @param mem   the guest's RAM
 * @param mode  the guest's paging state (CR3 locates the page directory)
 * @param gva   the address accessed
 * @param write the access is a write
 * @param user  the access is a user-mode access (CPL 3, not an implicit supervisor access)
 * @param w     receives the result
 * @return w->status
 */
enum walk_status gwalk(const struct guest_mem *mem, const struct guest_mode *mode, uint32_t gva,
		       bool write, bool user, struct walk *w);

/**
 * @brief Lab 3: a page fault with guest paging on. Walk the guest's tables;
 * reflect a true fault; on a hidden one set the guest's A (and D) bits and
 * install the shadow entry with vtlb_set_pte().
 */
enum vtlb_result vtlb_fill(struct vtlb *v, const struct guest_mode *mode, uint32_t gva,
			   uint32_t hw_error, uint32_t *error_code, struct walk *w);

/** @brief Lab 4: the guest executed INVLPG @p gva: drop exactly what maps that page. */
void vtlb_invlpg(struct vtlb *v, const struct guest_mode *mode, uint32_t gva);

/** @brief Lab 4: the guest wrote CR3 (mode has the new value): drop the non-global entries. */
void vtlb_cr3_write(struct vtlb *v, const struct guest_mode *mode);

/** @brief Lab 4: CR0 or CR4 changed from @p old to @p now: drop what the change invalidates. */
void vtlb_mode_change(struct vtlb *v, const struct guest_mode *old, const struct guest_mode *now);

/* ---- given: the guest's RAM (shadow/guest_mem.c) ---- */

/** @brief Pointer to the guest's 32-bit entry at @p gpa, or NULL when outside RAM (or not aligned). */
uint32_t *guest_entry(const struct guest_mem *mem, uint32_t gpa);

/** @brief The host-physical frame holding guest-physical page @p gpa. */
uint32_t vtlb_host_frame(const struct vtlb *v, uint32_t gpa);

/* ---- given: the shadow entries (shadow/vtlb.c) ---- */

/**
 * @brief Install shadow entry @p spte for the page of @p gva (allocating or evicting a PT).
 *
 * The fence between VMs, in given code: a present entry whose frame lies
 * outside the VM's RAM is never installed, whatever computed it; it is kept
 * in refused_gva and refused_spte, and vtlb_page_fault() stops the VM.
 */
void vtlb_set_pte(struct vtlb *v, uint32_t gva, uint32_t spte);

/** @brief The shadow entry for @p gva, 0 when there is none. */
uint32_t vtlb_get_pte(const struct vtlb *v, uint32_t gva);

/** @brief The current root's shadow PDE at index @p pdx (present when a shadow PT is there). */
uint32_t vtlb_get_pde(const struct vtlb *v, uint32_t pdx);

/**
 * @brief A place in the current root's shadow tables, for visiting their
 * present entries in order without knowing the pool:
 * @code
 * for (struct vtlb_cursor pde = { 0 }; vtlb_next_pde(v, &pde);)
 *         for (struct vtlb_cursor pte = { 0 }; vtlb_next_pte(v, pde.index, &pte);)
 *                 ... pte.index, pte.entry ...
 * @endcode
 */
struct vtlb_cursor {
	uint32_t next;  /**< the index to look at next (0 to start) */
	uint32_t index; /**< the index of the entry found */
	uint32_t entry; /**< the entry found */
	int pt_page;    /**< the pool page of the shadow PT the entry is in (vtlb_next_pte) or points to (vtlb_next_pde) */
};

/** @brief The next present shadow PDE of the current root after @p c: true with @p c filled in, false when there is none. */
bool vtlb_next_pde(const struct vtlb *v, struct vtlb_cursor *c);

/** @brief The next present shadow PTE after @p c in the current root's shadow PT at PD index @p pdx: true with @p c filled in, false when there is none. */
bool vtlb_next_pte(const struct vtlb *v, uint32_t pdx, struct vtlb_cursor *c);

/** @brief Drop the shadow entry for the page of @p gva; returns 1 if there was one. */
int vtlb_drop_page(struct vtlb *v, uint32_t gva);

/** @brief Drop the shadow entries split from a 4 MiB guest page covering @p gva; returns how many. */
int vtlb_drop_large(struct vtlb *v, uint32_t gva);

/** @brief Drop every shadow entry (@p keep_global: except SPTE_GLOBAL ones); returns how many. */
int vtlb_drop_all(struct vtlb *v, bool keep_global);

/* ---- given: lab 6's roots and write protection (shadow/roots.c) ---- */

/** @brief The slot of the root shadowing guest page directory @p guest_pd (CR3 & PTE_FRAME), or -1. */
int vtlb_root_find(const struct vtlb *v, uint32_t guest_pd);

/** @brief A slot to load a new address space into: an unused one, else the least recently used other than the current. */
int vtlb_root_lru(const struct vtlb *v);

/** @brief Make the root in @p slot an empty shadow of @p guest_pd, forgetting what it held; protects @p guest_pd. */
void vtlb_root_load(struct vtlb *v, int slot, uint32_t guest_pd);

/** @brief Make the root in @p slot the one the CPU walks (the hypervisor then loads vtlb_cr3() as the real CR3). */
void vtlb_root_switch(struct vtlb *v, int slot);

/** @brief True when the root in @p slot was filled from guest table @p gpa: it is the root's page directory, or a page table behind one of its shadow PTs. */
bool vtlb_root_uses(const struct vtlb *v, int slot, uint32_t gpa);

/**
 * @brief Bring every shadow filled from guest table @p gpa back in line with
 * it, in every root: in each shadow PT filled from it, an entry its guest
 * PTE no longer gives (frame, U/S, R/W with D, G, A) is rewritten from the
 * PTE when the PTE still gives a page (vtlb_gives), else dropped; if @p gpa
 * is a root's page directory, each shadow PT of that root whose guest PDE
 * changed is dropped. Counts them in stats.resync_updates and
 * stats.resync_drops. Returns the changes: entries rewritten or dropped,
 * plus shadow PTs dropped; 0 when the shadows already agreed.
 */
int vtlb_sync_table(struct vtlb *v, uint32_t gpa);

/** @brief If shadows were filled from guest table @p gpa and it is not unsync, map it read-only everywhere. */
void vtlb_protect(struct vtlb *v, uint32_t gpa);

/** @brief The paging mode changed (and lab 4 dropped every entry): keep one root, the shadow of @p now's CR3. */
void vtlb_cache_reset(struct vtlb *v, const struct guest_mode *now);

/** @brief Lab 6: the hypervisor emulated the guest's 4-byte write to the entry at guest-physical @p gpa of a protected table: bring every shadow filled from that entry in line. */
void vtlb_pt_write_done(struct vtlb *v, uint32_t gpa);

/** @brief Lab 6: the hypervisor cannot emulate the write to protected table @p gpa: the table goes unsync (vtlb_cache_pt_written) and the guest retries the write. */
void vtlb_pt_write_refused(struct vtlb *v, uint32_t gpa);

/* ---- lab 6 (shadow/cache.c) ---- */

/** @brief Lab 6: true when it is implemented; the hypervisor option cache turns it on. */
bool vtlb_cache_init(struct vtlb *v);

/** @brief Lab 6: the guest wrote write-protected guest table @p gpa: note it as unsync; the write goes through. */
void vtlb_cache_pt_written(struct vtlb *v, uint32_t gpa);

/** @brief Lab 6: bring every written (unsync) guest table the root in @p slot uses back in sync, and protect it again unless it is flooded; a listed table no shadow is derived from leaves the list; past VTLB_UNSYNC_MAX written tables, drop every entry instead. Returns the changes vtlb_sync_table() made, or the entries dropped. */
int vtlb_resync(struct vtlb *v, int slot);

/** @brief Lab 6: a MOV to CR3: make the shadow of @p mode's CR3 current, cached or new, then resync the written tables it uses. */
void vtlb_cache_cr3_write(struct vtlb *v, const struct guest_mode *mode);

/** @brief Lab 6: INVLPG @p gva with the cache on: sync the current root's page directory if it was written (INVLPG empties the paging-structure caches), then lab 4's invalidation. */
void vtlb_cache_invlpg(struct vtlb *v, const struct guest_mode *mode, uint32_t gva);

/* ---- given: the walk trace (shadow/trace.c) ---- */

/** @brief The words for @p bad in messages: "page directory", "page table" or "page frame". */
const char *walk_bad_name(enum walk_bad bad);

/** @brief Format a walk trace of @p gva (PDE, PTE, rights, result) into @p buf. */
void vtlb_trace(const struct guest_mem *mem, const struct guest_mode *mode, uint32_t gva,
		bool write, bool user, char *buf, size_t size);

#endif
