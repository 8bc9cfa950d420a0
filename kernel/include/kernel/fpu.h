/* kernel/fpu.h - saving and restoring the user's x87/SSE registers (FXSAVE format). */
#ifndef KERNEL_FPU_H
#define KERNEL_FPU_H

#include "kernel/task.h"

/* Enable SSE for user mode (CR0/CR4) and record the power-on state. */
void fpu_init(void);
/* Save this CPU's x87/SSE registers into st. */
void fpu_save(struct fpu_state *st);
/* Load st into this CPU's x87/SSE registers. */
void fpu_restore(const struct fpu_state *st);
/* Clear the MXCSR bits this CPU rejects (FXRSTOR of user-supplied state would #GP). */
void fpu_sanitize(struct fpu_state *st);
/* Set st to the state a fresh process starts with (after execve). */
void fpu_reset(struct fpu_state *st);

#endif
