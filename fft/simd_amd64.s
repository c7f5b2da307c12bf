//go:build amd64 && !purego

#include "textflag.h"

// Two complex128 per YMM register: (re0, im0, re1, im1).

// negim flips the sign of the imaginary parts (conjugation; with a swap of
// re and im, multiplication by −i).
DATA negim<>+0(SB)/8, $0x0000000000000000
DATA negim<>+8(SB)/8, $0x8000000000000000
DATA negim<>+16(SB)/8, $0x0000000000000000
DATA negim<>+24(SB)/8, $0x8000000000000000
GLOBL negim<>(SB), RODATA|NOPTR, $32

// negre flips the sign of the real parts (with a swap, multiplication by i).
DATA negre<>+0(SB)/8, $0x8000000000000000
DATA negre<>+8(SB)/8, $0x0000000000000000
DATA negre<>+16(SB)/8, $0x8000000000000000
DATA negre<>+24(SB)/8, $0x0000000000000000
GLOBL negre<>(SB), RODATA|NOPTR, $32

DATA half<>+0(SB)/8, $0.5
GLOBL half<>(SB), RODATA|NOPTR, $8

// CMUL sets T = Z·W where WR holds re(W) and WI holds im(W) in both
// halves of each complex: T = Z·WR ∓ swap(Z)·WI (even lanes −, odd +).
#define CMUL(Z, WR, WI, T) \
	VPERMILPD $5, Z, T; \
	VMULPD    WI, T, T; \
	VFMADDSUB231PD WR, Z, T

// CMULCONJ sets T = Z·conj(W).
#define CMULCONJ(Z, WR, WI, T) \
	VPERMILPD $5, Z, T; \
	VMULPD    WI, T, T; \
	VFMSUBADD231PD WR, Z, T

// MULNEGI sets Z = −i·Z (MASK = negim).
#define MULNEGI(Z, MASK) \
	VPERMILPD $5, Z, Z; \
	VXORPD    MASK, Z, Z

// func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL leaf+0(FP), AX
	MOVL sub+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv0() (eax, edx uint32)
TEXT ·xgetbv0(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET

// func radix4AVX2(y, x, tw []complex128, m, s int)
TEXT ·radix4AVX2(SB), NOSPLIT, $0-88
	MOVQ y_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ tw_base+48(FP), DX
	MOVQ m+72(FP), CX
	MOVQ s+80(FP), BX
	VMOVUPD negim<>(SB), Y15
	MOVQ BX, R11
	SHLQ $4, R11            // 16·s: output block stride in bytes
	MOVQ R11, R8
	IMULQ CX, R8            // 16·m·s: input stride
	LEAQ (R8)(R8*1), R9
	LEAQ (R9)(R8*1), R10
	LEAQ (R11)(R11*1), R12
	LEAQ (R12)(R11*1), R13
	SHRQ $1, BX             // pairs per block

r4p:
	VBROADCASTSD 0(DX), Y8
	VBROADCASTSD 8(DX), Y9
	VBROADCASTSD 16(DX), Y10
	VBROADCASTSD 24(DX), Y11
	VBROADCASTSD 32(DX), Y12
	VBROADCASTSD 40(DX), Y13
	MOVQ BX, AX

r4q:
	VMOVUPD (SI), Y0
	VMOVUPD (SI)(R8*1), Y1
	VMOVUPD (SI)(R9*1), Y2
	VMOVUPD (SI)(R10*1), Y3
	VADDPD  Y2, Y0, Y4      // t0 = a0 + a2
	VSUBPD  Y2, Y0, Y5      // t1 = a0 − a2
	VADDPD  Y3, Y1, Y6      // t2 = a1 + a3
	VSUBPD  Y3, Y1, Y7
	MULNEGI(Y7, Y15)        // t3 = −i·(a1 − a3)
	VADDPD  Y6, Y4, Y0
	VSUBPD  Y6, Y4, Y2
	VADDPD  Y7, Y5, Y1
	VSUBPD  Y7, Y5, Y3
	VMOVUPD Y0, (DI)
	CMUL(Y1, Y8, Y9, Y4)
	CMUL(Y2, Y10, Y11, Y5)
	CMUL(Y3, Y12, Y13, Y6)
	VMOVUPD Y4, (DI)(R11*1)
	VMOVUPD Y5, (DI)(R12*1)
	VMOVUPD Y6, (DI)(R13*1)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ AX
	JNZ  r4q

	ADDQ R13, DI
	ADDQ $48, DX
	DECQ CX
	JNZ  r4p
	VZEROUPPER
	RET

// func radix4s1AVX2(y, x, twv []complex128, m int)
TEXT ·radix4s1AVX2(SB), NOSPLIT, $0-80
	MOVQ y_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ twv_base+48(FP), DX
	MOVQ m+72(FP), CX
	VMOVUPD negim<>(SB), Y15
	MOVQ CX, R8
	SHLQ $4, R8             // 16·m: input stride
	LEAQ (R8)(R8*1), R9
	LEAQ (R9)(R8*1), R10
	SHRQ $1, CX

r4s1:
	VMOVUPD (SI), Y0
	VMOVUPD (SI)(R8*1), Y1
	VMOVUPD (SI)(R9*1), Y2
	VMOVUPD (SI)(R10*1), Y3
	VADDPD  Y2, Y0, Y4
	VSUBPD  Y2, Y0, Y5
	VADDPD  Y3, Y1, Y6
	VSUBPD  Y3, Y1, Y7
	MULNEGI(Y7, Y15)
	VADDPD  Y6, Y4, Y0      // r0
	VSUBPD  Y6, Y4, Y2
	VADDPD  Y7, Y5, Y1
	VSUBPD  Y7, Y5, Y3
	VMOVUPD 0(DX), Y8
	VMOVDDUP Y8, Y9
	VPERMILPD $15, Y8, Y10
	CMUL(Y1, Y9, Y10, Y4)   // r1
	VMOVUPD 32(DX), Y8
	VMOVDDUP Y8, Y9
	VPERMILPD $15, Y8, Y10
	CMUL(Y2, Y9, Y10, Y5)   // r2
	VMOVUPD 64(DX), Y8
	VMOVDDUP Y8, Y9
	VPERMILPD $15, Y8, Y10
	CMUL(Y3, Y9, Y10, Y6)   // r3
	VPERM2F128 $0x20, Y4, Y0, Y7
	VPERM2F128 $0x20, Y6, Y5, Y8
	VPERM2F128 $0x31, Y4, Y0, Y9
	VPERM2F128 $0x31, Y6, Y5, Y10
	VMOVUPD Y7, 0(DI)
	VMOVUPD Y8, 32(DI)
	VMOVUPD Y9, 64(DI)
	VMOVUPD Y10, 96(DI)
	ADDQ $32, SI
	ADDQ $96, DX
	ADDQ $128, DI
	DECQ CX
	JNZ  r4s1
	VZEROUPPER
	RET

// func radix2AVX2(y, x, tw []complex128, m, s int)
TEXT ·radix2AVX2(SB), NOSPLIT, $0-88
	MOVQ y_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ tw_base+48(FP), DX
	MOVQ m+72(FP), CX
	MOVQ s+80(FP), BX
	MOVQ BX, R11
	SHLQ $4, R11            // 16·s
	MOVQ R11, R8
	IMULQ CX, R8            // 16·m·s
	SHRQ $1, BX

r2p:
	VBROADCASTSD 0(DX), Y8
	VBROADCASTSD 8(DX), Y9
	MOVQ BX, AX

r2q:
	VMOVUPD (SI), Y0
	VMOVUPD (SI)(R8*1), Y1
	VADDPD  Y1, Y0, Y2
	VSUBPD  Y1, Y0, Y3
	CMUL(Y3, Y8, Y9, Y4)
	VMOVUPD Y2, (DI)
	VMOVUPD Y4, (DI)(R11*1)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ AX
	JNZ  r2q

	ADDQ R11, DI
	ADDQ $16, DX
	DECQ CX
	JNZ  r2p
	VZEROUPPER
	RET

// func radix2s1AVX2(y, x, tw []complex128, m int)
//
// radix2 with s = 1 for the blocks p, p+1 at once (m even, or the last
// block of an odd m left to the caller): y[2p] = x[p] + x[p+m],
// y[2p+1] = (x[p] − x[p+m])·tw[p].
TEXT ·radix2s1AVX2(SB), NOSPLIT, $0-80
	MOVQ y_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ tw_base+48(FP), DX
	MOVQ m+72(FP), CX
	MOVQ CX, R8
	SHLQ $4, R8             // 16·m
	SHRQ $1, CX

r2s1:
	VMOVUPD (SI), Y0
	VMOVUPD (SI)(R8*1), Y1
	VADDPD  Y1, Y0, Y2
	VSUBPD  Y1, Y0, Y3
	VMOVUPD (DX), Y8
	VMOVDDUP Y8, Y9
	VPERMILPD $15, Y8, Y10
	CMUL(Y3, Y9, Y10, Y4)
	VPERM2F128 $0x20, Y4, Y2, Y5
	VPERM2F128 $0x31, Y4, Y2, Y6
	VMOVUPD Y5, 0(DI)
	VMOVUPD Y6, 32(DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $64, DI
	DECQ CX
	JNZ  r2s1
	VZEROUPPER
	RET

// func realForwardAVX2(z, tw []complex128, pairs int)
//
// For k and k+1 at once (front pointer SI) against h−k and h−k−1 (back
// pointer DI, the pair stored in swapped order): zc = conj(z_(h−k)),
// e = (z_k + zc)/2, o = −i·(z_k − zc)/2, wo = tw_k·o,
// z_k = e + wo, z_(h−k) = conj(e − wo).
TEXT ·realForwardAVX2(SB), NOSPLIT, $0-56
	MOVQ z_base+0(FP), SI
	MOVQ z_len+8(FP), DI
	MOVQ tw_base+24(FP), DX
	MOVQ pairs+48(FP), CX
	SUBQ $2, DI
	SHLQ $4, DI
	ADDQ SI, DI             // &z[h−2]
	ADDQ $16, SI            // &z[1]
	ADDQ $16, DX            // &tw[1]
	VMOVUPD negim<>(SB), Y15
	VBROADCASTSD half<>(SB), Y14

rfw:
	VMOVUPD (SI), Y0        // z_k, z_(k+1)
	VMOVUPD (DI), Y1
	VPERM2F128 $0x01, Y1, Y1, Y1
	VXORPD  Y15, Y1, Y1     // zc
	VADDPD  Y1, Y0, Y2
	VMULPD  Y14, Y2, Y2     // e
	VSUBPD  Y1, Y0, Y3
	VMULPD  Y14, Y3, Y3
	MULNEGI(Y3, Y15)        // o
	VMOVUPD (DX), Y8
	VMOVDDUP Y8, Y9
	VPERMILPD $15, Y8, Y10
	CMUL(Y3, Y9, Y10, Y4)   // wo
	VADDPD  Y4, Y2, Y5
	VSUBPD  Y4, Y2, Y6
	VXORPD  Y15, Y6, Y6
	VPERM2F128 $0x01, Y6, Y6, Y6
	VMOVUPD Y5, (SI)
	VMOVUPD Y6, (DI)
	ADDQ $32, SI
	SUBQ $32, DI
	ADDQ $32, DX
	DECQ CX
	JNZ  rfw
	VZEROUPPER
	RET

// func realInverseAVX2(z, src, tw []complex128, c float64, pairs int)
//
// xc = conj(x_(h−k)), e = c·(x_k + xc), o = conj(tw_k)·c·(x_k − xc),
// u = i·o, z_(h−k) = e + u, z_k = conj(e − u).
TEXT ·realInverseAVX2(SB), NOSPLIT, $0-88
	MOVQ z_base+0(FP), R8
	MOVQ z_len+8(FP), R9
	MOVQ src_base+24(FP), SI
	MOVQ tw_base+48(FP), DX
	VBROADCASTSD c+72(FP), Y14
	MOVQ pairs+80(FP), CX
	SUBQ $2, R9
	SHLQ $4, R9
	LEAQ (SI)(R9*1), DI     // &src[h−2]
	ADDQ R8, R9             // &z[h−2]
	ADDQ $16, SI            // &src[1]
	ADDQ $16, R8            // &z[1]
	ADDQ $16, DX            // &tw[1]
	VMOVUPD negim<>(SB), Y15
	VMOVUPD negre<>(SB), Y13

rinv:
	VMOVUPD (SI), Y0
	VMOVUPD (DI), Y1
	VPERM2F128 $0x01, Y1, Y1, Y1
	VXORPD  Y15, Y1, Y1     // xc
	VADDPD  Y1, Y0, Y2
	VMULPD  Y14, Y2, Y2     // e
	VSUBPD  Y1, Y0, Y3
	VMULPD  Y14, Y3, Y3
	VMOVUPD (DX), Y8
	VMOVDDUP Y8, Y9
	VPERMILPD $15, Y8, Y10
	CMULCONJ(Y3, Y9, Y10, Y4) // o
	VPERMILPD $5, Y4, Y4
	VXORPD  Y13, Y4, Y4     // u = i·o
	VADDPD  Y4, Y2, Y5      // z_(h−k)
	VSUBPD  Y4, Y2, Y6
	VXORPD  Y15, Y6, Y6     // z_k
	VPERM2F128 $0x01, Y5, Y5, Y5
	VMOVUPD Y6, (R8)
	VMOVUPD Y5, (R9)
	ADDQ $32, SI
	SUBQ $32, DI
	ADDQ $32, R8
	SUBQ $32, R9
	ADDQ $32, DX
	DECQ CX
	JNZ  rinv
	VZEROUPPER
	RET

// func radix3AVX2(y, x, tw []complex128, m, s int, sin60 float64)
TEXT ·radix3AVX2(SB), NOSPLIT, $0-96
	MOVQ y_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ tw_base+48(FP), DX
	MOVQ m+72(FP), CX
	MOVQ s+80(FP), BX
	VBROADCASTSD sin60+88(FP), Y14
	VBROADCASTSD half<>(SB), Y13
	VMOVUPD negim<>(SB), Y15
	MOVQ BX, R11
	SHLQ $4, R11            // 16·s
	MOVQ R11, R8
	IMULQ CX, R8            // 16·m·s
	LEAQ (R11)(R11*1), R12
	SHRQ $1, BX             // pairs per block, ⌊s/2⌋
	MOVQ BX, R14
	SHLQ $5, R14
	MOVQ R11, R15
	SUBQ R14, R15           // 16 for an odd s: the last column, done in XMM

r3p:
	VBROADCASTSD 0(DX), Y8
	VBROADCASTSD 8(DX), Y9
	VBROADCASTSD 16(DX), Y10
	VBROADCASTSD 24(DX), Y11
	MOVQ BX, AX

r3q:
	VMOVUPD (SI), Y0
	VMOVUPD (SI)(R8*1), Y1
	VMOVUPD (SI)(R8*2), Y2
	VADDPD  Y2, Y1, Y3      // t = a1 + a2
	VSUBPD  Y2, Y1, Y4
	VMULPD  Y14, Y4, Y4
	MULNEGI(Y4, Y15)        // v = −i·sin60·(a1 − a2)
	VMOVAPD Y0, Y5
	VFNMADD231PD Y13, Y3, Y5 // u = a0 − t/2
	VADDPD  Y3, Y0, Y0
	VMOVUPD Y0, (DI)
	VADDPD  Y4, Y5, Y1
	VSUBPD  Y4, Y5, Y2
	CMUL(Y1, Y8, Y9, Y6)
	CMUL(Y2, Y10, Y11, Y7)
	VMOVUPD Y6, (DI)(R11*1)
	VMOVUPD Y7, (DI)(R12*1)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ AX
	JNZ  r3q

	TESTQ R15, R15
	JZ   r3next
	// Odd s: the last column q = s−1, one complex value in the low halves.
	VMOVUPD (SI), X0
	VMOVUPD (SI)(R8*1), X1
	VMOVUPD (SI)(R8*2), X2
	VADDPD  X2, X1, X3
	VSUBPD  X2, X1, X4
	VMULPD  X14, X4, X4
	MULNEGI(X4, X15)
	VMOVAPD X0, X5
	VFNMADD231PD X13, X3, X5
	VADDPD  X3, X0, X0
	VMOVUPD X0, (DI)
	VADDPD  X4, X5, X1
	VSUBPD  X4, X5, X2
	CMUL(X1, X8, X9, X6)
	CMUL(X2, X10, X11, X7)
	VMOVUPD X6, (DI)(R11*1)
	VMOVUPD X7, (DI)(R12*1)

r3next:
	ADDQ R15, SI
	ADDQ R15, DI
	ADDQ R12, DI
	ADDQ $32, DX
	DECQ CX
	JNZ  r3p
	VZEROUPPER
	RET

// func radix5AVX2(y, x, tw []complex128, m, s int, c *[4]float64)
//
// c holds cos(2π/5), cos(4π/5), sin(2π/5), sin(4π/5).
TEXT ·radix5AVX2(SB), NOSPLIT, $0-96
	MOVQ y_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ tw_base+48(FP), DX
	MOVQ m+72(FP), CX
	MOVQ s+80(FP), BX
	MOVQ c+88(FP), AX
	VBROADCASTSD 0(AX), Y11
	VBROADCASTSD 8(AX), Y12
	VBROADCASTSD 16(AX), Y13
	VBROADCASTSD 24(AX), Y14
	VMOVUPD negim<>(SB), Y15
	MOVQ BX, R11
	SHLQ $4, R11            // 16·s
	MOVQ R11, R8
	IMULQ CX, R8            // 16·m·s
	LEAQ (R8)(R8*2), R10    // 48·m·s
	LEAQ (R11)(R11*2), R13  // 48·s
	LEAQ (R11)(R11*4), R12  // 80·s
	SHRQ $1, BX             // pairs per block, ⌊s/2⌋
	MOVQ BX, R14
	SHLQ $5, R14
	MOVQ R11, R15
	SUBQ R14, R15           // 16 for an odd s: the last column, done in XMM

r5p:
	MOVQ BX, AX

r5q:
	VMOVUPD (SI), Y0
	VMOVUPD (SI)(R8*1), Y1
	VMOVUPD (SI)(R8*2), Y2
	VMOVUPD (SI)(R10*1), Y3
	VMOVUPD (SI)(R8*4), Y4
	VADDPD  Y4, Y1, Y5      // t1
	VSUBPD  Y4, Y1, Y1      // d1
	VADDPD  Y3, Y2, Y6      // t2
	VSUBPD  Y3, Y2, Y2      // d2
	VMOVAPD Y0, Y7
	VFMADD231PD Y11, Y5, Y7
	VFMADD231PD Y12, Y6, Y7 // b1 = a0 + ca·t1 + cb·t2
	VMOVAPD Y0, Y8
	VFMADD231PD Y12, Y5, Y8
	VFMADD231PD Y11, Y6, Y8 // b2 = a0 + cb·t1 + ca·t2
	VADDPD  Y5, Y0, Y0
	VADDPD  Y6, Y0, Y0
	VMOVUPD Y0, (DI)
	VMULPD  Y13, Y1, Y9
	VFMADD231PD Y14, Y2, Y9
	MULNEGI(Y9, Y15)        // e1 = −i·(sa·d1 + sb·d2)
	VMULPD  Y14, Y1, Y10
	VFNMADD231PD Y13, Y2, Y10
	MULNEGI(Y10, Y15)       // e2 = −i·(sb·d1 − sa·d2)
	VADDPD  Y9, Y7, Y1
	VSUBPD  Y9, Y7, Y4
	VADDPD  Y10, Y8, Y2
	VSUBPD  Y10, Y8, Y3
	VBROADCASTSD 0(DX), Y5
	VBROADCASTSD 8(DX), Y6
	CMUL(Y1, Y5, Y6, Y7)
	VMOVUPD Y7, (DI)(R11*1)
	VBROADCASTSD 16(DX), Y5
	VBROADCASTSD 24(DX), Y6
	CMUL(Y2, Y5, Y6, Y7)
	VMOVUPD Y7, (DI)(R11*2)
	VBROADCASTSD 32(DX), Y5
	VBROADCASTSD 40(DX), Y6
	CMUL(Y3, Y5, Y6, Y7)
	VMOVUPD Y7, (DI)(R13*1)
	VBROADCASTSD 48(DX), Y5
	VBROADCASTSD 56(DX), Y6
	CMUL(Y4, Y5, Y6, Y7)
	VMOVUPD Y7, (DI)(R11*4)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ AX
	JNZ  r5q

	TESTQ R15, R15
	JZ   r5next
	// Odd s: the last column q = s−1, one complex value in the low halves.
	VMOVUPD (SI), X0
	VMOVUPD (SI)(R8*1), X1
	VMOVUPD (SI)(R8*2), X2
	VMOVUPD (SI)(R10*1), X3
	VMOVUPD (SI)(R8*4), X4
	VADDPD  X4, X1, X5
	VSUBPD  X4, X1, X1
	VADDPD  X3, X2, X6
	VSUBPD  X3, X2, X2
	VMOVAPD X0, X7
	VFMADD231PD X11, X5, X7
	VFMADD231PD X12, X6, X7
	VMOVAPD X0, X8
	VFMADD231PD X12, X5, X8
	VFMADD231PD X11, X6, X8
	VADDPD  X5, X0, X0
	VADDPD  X6, X0, X0
	VMOVUPD X0, (DI)
	VMULPD  X13, X1, X9
	VFMADD231PD X14, X2, X9
	MULNEGI(X9, X15)
	VMULPD  X14, X1, X10
	VFNMADD231PD X13, X2, X10
	MULNEGI(X10, X15)
	VADDPD  X9, X7, X1
	VSUBPD  X9, X7, X4
	VADDPD  X10, X8, X2
	VSUBPD  X10, X8, X3
	VMOVDDUP 0(DX), X5
	VMOVDDUP 8(DX), X6
	CMUL(X1, X5, X6, X7)
	VMOVUPD X7, (DI)(R11*1)
	VMOVDDUP 16(DX), X5
	VMOVDDUP 24(DX), X6
	CMUL(X2, X5, X6, X7)
	VMOVUPD X7, (DI)(R11*2)
	VMOVDDUP 32(DX), X5
	VMOVDDUP 40(DX), X6
	CMUL(X3, X5, X6, X7)
	VMOVUPD X7, (DI)(R13*1)
	VMOVDDUP 48(DX), X5
	VMOVDDUP 56(DX), X6
	CMUL(X4, X5, X6, X7)
	VMOVUPD X7, (DI)(R11*4)

r5next:
	ADDQ R15, SI
	ADDQ R15, DI
	ADDQ R12, DI
	SUBQ R11, DI            // the other 4 blocks of s
	ADDQ $64, DX
	DECQ CX
	JNZ  r5p
	VZEROUPPER
	RET

// BFLY4 is the radix-4 butterfly on Y0..Y3 (clobbers Y4..Y7, Y15 = negim):
// Y0 = t0 + t2, Y1 = t1 + t3, Y2 = t0 − t2, Y3 = t1 − t3 with t0 = a0 + a2,
// t1 = a0 − a2, t2 = a1 + a3, t3 = −i·(a1 − a3).
#define BFLY4 \
	VADDPD  Y2, Y0, Y4; \
	VSUBPD  Y2, Y0, Y5; \
	VADDPD  Y3, Y1, Y6; \
	VSUBPD  Y3, Y1, Y7; \
	VPERMILPD $5, Y7, Y7; \
	VXORPD  Y15, Y7, Y7; \
	VADDPD  Y6, Y4, Y0; \
	VSUBPD  Y6, Y4, Y2; \
	VADDPD  Y7, Y5, Y1; \
	VSUBPD  Y7, Y5, Y3

// TWSTORE multiplies Z by the twiddle at WR, WI (memory) and stores it at D.
#define TWSTORE(Z, WR, WI, D) \
	VBROADCASTSD WR, Y8; \
	VBROADCASTSD WI, Y9; \
	CMUL(Z, Y8, Y9, Y4); \
	VMOVUPD Y4, D

// PH1 is one radix-4 butterfly of the first pass of radix44AVX2: inputs at
// OFF(R15) + 0, 4Q, 8Q, 12Q (R8 = Q, R9 = 12Q), twiddles at TW, outputs to
// the scratch at B(BX) + 0, 32, 64, 96.
#define PH1(TW, OFF, B) \
	VMOVUPD OFF(R15), Y0; \
	VMOVUPD OFF(R15)(R8*4), Y1; \
	VMOVUPD OFF(R15)(R8*8), Y2; \
	VMOVUPD OFF(R15)(R9*1), Y3; \
	BFLY4; \
	VMOVUPD Y0, B(BX); \
	TWSTORE(Y1, 0 TW, 8 TW, B+32(BX)); \
	TWSTORE(Y2, 16 TW, 24 TW, B+64(BX)); \
	TWSTORE(Y3, 32 TW, 40 TW, B+96(BX))

// PH2 is one radix-4 butterfly of the second pass: inputs from the scratch
// at B(BX) + 0, 128, 256, 384, twiddles at DX, outputs at OFF(R15) + 0, 4S,
// 8S, 12S (R11 = S, R13 = 12S).
#define PH2(B, OFF) \
	VMOVUPD B(BX), Y0; \
	VMOVUPD B+128(BX), Y1; \
	VMOVUPD B+256(BX), Y2; \
	VMOVUPD B+384(BX), Y3; \
	BFLY4; \
	VMOVUPD Y0, OFF(R15); \
	TWSTORE(Y1, 0(DX), 8(DX), OFF(R15)(R11*4)); \
	TWSTORE(Y2, 16(DX), 24(DX), OFF(R15)(R11*8)); \
	TWSTORE(Y3, 32(DX), 40(DX), OFF(R15)(R13*1))

// func radix44AVX2(y, x, twa, twb, buf []complex128, m, s int)
//
// Two radix-4 passes in one sweep over the data: the pass (4, m, s) with
// twiddles twa, then (4, m/4, 4s) with twiddles twb, for s divisible by 4
// and m divisible by 4. For each block p' < m/4 and each four values of q,
// the 32 values the second pass needs are computed by the butterflies of
// the first (its blocks p' + k'·m/4, k' < 4) into buf (1 KiB, in L1), then
// transformed by the butterflies of the second and stored. Four values of
// q make a whole 64-byte cache line of each of the 16 input and output
// streams, whose power-of-two strides map them to the same L1 set.
TEXT ·radix44AVX2(SB), NOSPLIT, $0-136
	MOVQ y_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ twa_base+48(FP), R10
	MOVQ twb_base+72(FP), DX
	MOVQ buf_base+96(FP), BX
	MOVQ m+120(FP), CX
	MOVQ s+128(FP), R11
	VMOVUPD negim<>(SB), Y15
	SHLQ $4, R11            // S = 16·s
	MOVQ CX, R8
	IMULQ R11, R8
	SHRQ $2, R8             // Q = 16·m·s/4
	LEAQ (R8)(R8*2), R9
	SHLQ $2, R9             // 12·Q
	LEAQ (R11)(R11*2), R13
	SHLQ $2, R13            // 12·S
	LEAQ (CX)(CX*2), R12
	SHLQ $2, R12            // 12·m: twa bytes from block p to p + m/4
	LEAQ (R12)(R12*2), R14  // 36·m
	SHRQ $2, CX

p44:
	MOVQ s+128(FP), AX
	SHRQ $2, AX

q44:
	MOVQ SI, R15
	PH1((R10), 0, 0)
	PH1((R10), 32, 512)
	ADDQ R8, R15
	PH1((R10)(R12*1), 0, 128)
	PH1((R10)(R12*1), 32, 640)
	ADDQ R8, R15
	PH1((R10)(R12*2), 0, 256)
	PH1((R10)(R12*2), 32, 768)
	ADDQ R8, R15
	PH1((R10)(R14*1), 0, 384)
	PH1((R10)(R14*1), 32, 896)
	MOVQ DI, R15
	PH2(0, 0)
	PH2(512, 32)
	ADDQ R11, R15
	PH2(32, 0)
	PH2(544, 32)
	ADDQ R11, R15
	PH2(64, 0)
	PH2(576, 32)
	ADDQ R11, R15
	PH2(96, 0)
	PH2(608, 32)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ AX
	JNZ  q44

	ADDQ R13, DI            // DI moved S in the q loop; a block is 16·S
	LEAQ (DI)(R11*2), DI
	ADDQ R11, DI
	ADDQ $48, R10
	ADDQ $48, DX
	DECQ CX
	JNZ  p44
	VZEROUPPER
	RET

// func radix42AVX2(y, x, twa, twb []complex128, m, s int)
//
// A radix-4 pass (4, m, s) with twiddles twa followed by the radix-2 pass
// (2, m/2, 4s) with twiddles twb in one sweep (even s, even m): for each
// block p' < m/2 and pair of q, two radix-4 butterflies of the first pass
// (its blocks p' and p' + m/2) feed four radix-2 butterflies of the
// second, all in registers.
TEXT ·radix42AVX2(SB), NOSPLIT, $0-112
	MOVQ y_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ twa_base+48(FP), R10
	MOVQ twb_base+72(FP), DX
	MOVQ m+96(FP), CX
	MOVQ s+104(FP), R11
	VMOVUPD negim<>(SB), Y15
	SHLQ $4, R11            // S = 16·s
	MOVQ CX, R8
	IMULQ R11, R8
	SHRQ $1, R8             // Q = 16·s·m/2
	LEAQ (R8)(R8*2), R9
	SHLQ $1, R9             // 6·Q
	LEAQ (CX)(CX*2), R12
	SHLQ $3, R12            // 24·m: twa bytes from block p to p + m/2
	LEAQ 0(R11*8), R13
	SUBQ R11, R13           // 7·S
	SHRQ $1, CX

p42:
	MOVQ s+104(FP), AX
	SHRQ $1, AX

q42:
	// First pass, block p'.
	VMOVUPD (SI), Y0
	VMOVUPD (SI)(R8*2), Y1
	VMOVUPD (SI)(R8*4), Y2
	VMOVUPD (SI)(R9*1), Y3
	BFLY4
	VMOVAPD Y0, Y10
	VBROADCASTSD 0(R10), Y8
	VBROADCASTSD 8(R10), Y9
	CMUL(Y1, Y8, Y9, Y11)
	VBROADCASTSD 16(R10), Y8
	VBROADCASTSD 24(R10), Y9
	CMUL(Y2, Y8, Y9, Y12)
	VBROADCASTSD 32(R10), Y8
	VBROADCASTSD 40(R10), Y9
	CMUL(Y3, Y8, Y9, Y13)
	// First pass, block p' + m/2.
	MOVQ SI, BX
	ADDQ R8, BX
	VMOVUPD (BX), Y0
	VMOVUPD (BX)(R8*2), Y1
	VMOVUPD (BX)(R8*4), Y2
	VMOVUPD (BX)(R9*1), Y3
	BFLY4
	VBROADCASTSD 0(R10)(R12*1), Y8
	VBROADCASTSD 8(R10)(R12*1), Y9
	CMUL(Y1, Y8, Y9, Y4)
	VBROADCASTSD 16(R10)(R12*1), Y8
	VBROADCASTSD 24(R10)(R12*1), Y9
	CMUL(Y2, Y8, Y9, Y5)
	VBROADCASTSD 32(R10)(R12*1), Y8
	VBROADCASTSD 40(R10)(R12*1), Y9
	CMUL(Y3, Y8, Y9, Y6)
	// Second pass: (Y10, Y0), (Y11, Y4), (Y12, Y5), (Y13, Y6).
	VBROADCASTSD 0(DX), Y8
	VBROADCASTSD 8(DX), Y9
	MOVQ DI, BX
	VADDPD  Y0, Y10, Y7
	VSUBPD  Y0, Y10, Y14
	VMOVUPD Y7, (BX)
	CMUL(Y14, Y8, Y9, Y7)
	VMOVUPD Y7, (BX)(R11*4)
	ADDQ R11, BX
	VADDPD  Y4, Y11, Y7
	VSUBPD  Y4, Y11, Y14
	VMOVUPD Y7, (BX)
	CMUL(Y14, Y8, Y9, Y7)
	VMOVUPD Y7, (BX)(R11*4)
	ADDQ R11, BX
	VADDPD  Y5, Y12, Y7
	VSUBPD  Y5, Y12, Y14
	VMOVUPD Y7, (BX)
	CMUL(Y14, Y8, Y9, Y7)
	VMOVUPD Y7, (BX)(R11*4)
	ADDQ R11, BX
	VADDPD  Y6, Y13, Y7
	VSUBPD  Y6, Y13, Y14
	VMOVUPD Y7, (BX)
	CMUL(Y14, Y8, Y9, Y7)
	VMOVUPD Y7, (BX)(R11*4)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ AX
	JNZ  q42

	ADDQ R13, DI            // DI moved S in the q loop; a block is 8·S
	ADDQ $48, R10
	ADDQ $16, DX
	DECQ CX
	JNZ  p42
	VZEROUPPER
	RET

// R5BFLY is the radix-5 butterfly of radix5 on Y0..Y4 (Y11..Y14 = c5a,
// c5b, s5a, s5b; Y15 = negim; clobbers Y5..Y10): Y0..Y4 become the outputs
// j = 0..4 before their twiddles.
#define R5BFLY \
	VADDPD  Y4, Y1, Y5; \
	VSUBPD  Y4, Y1, Y1; \
	VADDPD  Y3, Y2, Y6; \
	VSUBPD  Y3, Y2, Y2; \
	VMOVAPD Y0, Y7; \
	VFMADD231PD Y11, Y5, Y7; \
	VFMADD231PD Y12, Y6, Y7; \
	VMOVAPD Y0, Y8; \
	VFMADD231PD Y12, Y5, Y8; \
	VFMADD231PD Y11, Y6, Y8; \
	VADDPD  Y5, Y0, Y0; \
	VADDPD  Y6, Y0, Y0; \
	VMULPD  Y13, Y1, Y9; \
	VFMADD231PD Y14, Y2, Y9; \
	MULNEGI(Y9, Y15); \
	VMULPD  Y14, Y1, Y10; \
	VFNMADD231PD Y13, Y2, Y10; \
	MULNEGI(Y10, Y15); \
	VADDPD  Y9, Y7, Y1; \
	VSUBPD  Y9, Y7, Y4; \
	VADDPD  Y10, Y8, Y2; \
	VSUBPD  Y10, Y8, Y3

// TWSTORE5 is TWSTORE with the temporaries Y5..Y7 (Y4 is live).
#define TWSTORE5(Z, WR, WI, D) \
	VBROADCASTSD WR, Y5; \
	VBROADCASTSD WI, Y6; \
	CMUL(Z, Y5, Y6, Y7); \
	VMOVUPD Y7, D

// P5A is a radix-5 butterfly of the first pass of radix55AVX2: inputs at
// OFF(R15) + 0, 5Q, 10Q, 15Q, 20Q (R9 = 5Q, R10 = 15Q), twiddles at
// TW(R14), outputs to the scratch at B(BX) + 0, 32, …, 128.
#define P5A(TW, OFF, B) \
	VMOVUPD OFF(R15), Y0; \
	VMOVUPD OFF(R15)(R9*1), Y1; \
	VMOVUPD OFF(R15)(R9*2), Y2; \
	VMOVUPD OFF(R15)(R10*1), Y3; \
	VMOVUPD OFF(R15)(R9*4), Y4; \
	R5BFLY; \
	VMOVUPD Y0, B(BX); \
	TWSTORE5(Y1, TW(R14), TW+8(R14), B+32(BX)); \
	TWSTORE5(Y2, TW+16(R14), TW+24(R14), B+64(BX)); \
	TWSTORE5(Y3, TW+32(R14), TW+40(R14), B+96(BX)); \
	TWSTORE5(Y4, TW+48(R14), TW+56(R14), B+128(BX))

// P5B is a radix-5 butterfly of the second pass: inputs from the scratch
// at B(BX) + 0, 160, …, 640, twiddles at DX, outputs at OFF(R15) + 0, 5S,
// 10S, 15S, 20S (R12 = 5S, R13 = 15S).
#define P5B(B, OFF) \
	VMOVUPD B(BX), Y0; \
	VMOVUPD B+160(BX), Y1; \
	VMOVUPD B+320(BX), Y2; \
	VMOVUPD B+480(BX), Y3; \
	VMOVUPD B+640(BX), Y4; \
	R5BFLY; \
	VMOVUPD Y0, OFF(R15); \
	TWSTORE5(Y1, 0(DX), 8(DX), OFF(R15)(R12*1)); \
	TWSTORE5(Y2, 16(DX), 24(DX), OFF(R15)(R12*2)); \
	TWSTORE5(Y3, 32(DX), 40(DX), OFF(R15)(R13*1)); \
	TWSTORE5(Y4, 48(DX), 56(DX), OFF(R15)(R12*4))

// func radix55AVX2(y, x, twf, twb, buf []complex128, mb, s int, c *[4]float64)
//
// Two radix-5 passes in one sweep, (5, 5·mb, s) and (5, mb, 5s), for s
// divisible by 4, like radix44AVX2: twf holds the first pass's twiddles of
// blocks p' + k'·mb (k' < 5) together for each p' < mb (stage.twf), twb
// the second pass's; buf is scratch of 100 values; c as for radix5AVX2.
TEXT ·radix55AVX2(SB), NOSPLIT, $0-144
	MOVQ y_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ twf_base+48(FP), R14
	MOVQ twb_base+72(FP), DX
	MOVQ buf_base+96(FP), BX
	MOVQ mb+120(FP), CX
	MOVQ s+128(FP), R11
	MOVQ c+136(FP), AX
	VBROADCASTSD 0(AX), Y11
	VBROADCASTSD 8(AX), Y12
	VBROADCASTSD 16(AX), Y13
	VBROADCASTSD 24(AX), Y14
	VMOVUPD negim<>(SB), Y15
	SHLQ $4, R11            // S = 16·s
	MOVQ CX, R8
	IMULQ R11, R8           // Q = S·mb
	LEAQ (R8)(R8*4), R9     // 5·Q
	LEAQ (R9)(R9*2), R10    // 15·Q
	LEAQ (R11)(R11*4), R12  // 5·S
	LEAQ (R12)(R12*2), R13  // 15·S

p55:
	MOVQ s+128(FP), AX
	SHRQ $2, AX

q55:
	MOVQ SI, R15
	P5A(0, 0, 0)
	P5A(0, 32, 800)
	ADDQ R8, R15
	P5A(64, 0, 160)
	P5A(64, 32, 960)
	ADDQ R8, R15
	P5A(128, 0, 320)
	P5A(128, 32, 1120)
	ADDQ R8, R15
	P5A(192, 0, 480)
	P5A(192, 32, 1280)
	ADDQ R8, R15
	P5A(256, 0, 640)
	P5A(256, 32, 1440)
	MOVQ DI, R15
	P5B(0, 0)
	P5B(800, 32)
	ADDQ R11, R15
	P5B(32, 0)
	P5B(832, 32)
	ADDQ R11, R15
	P5B(64, 0)
	P5B(864, 32)
	ADDQ R11, R15
	P5B(96, 0)
	P5B(896, 32)
	ADDQ R11, R15
	P5B(128, 0)
	P5B(928, 32)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ AX
	JNZ  q55

	ADDQ R13, DI            // DI moved S in the q loop; a block is 25·S
	ADDQ R12, DI
	LEAQ (DI)(R11*4), DI
	ADDQ $320, R14
	ADDQ $64, DX
	DECQ CX
	JNZ  p55
	VZEROUPPER
	RET

// func radix55pAVX2(y, x, twf, twb, buf []complex128, mb, s int, c *[4]float64)
//
// radix55AVX2 for an even s, two columns (one register) at a time instead
// of four; buf is scratch of 50 values.
TEXT ·radix55pAVX2(SB), NOSPLIT, $0-144
	MOVQ y_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ twf_base+48(FP), R14
	MOVQ twb_base+72(FP), DX
	MOVQ buf_base+96(FP), BX
	MOVQ mb+120(FP), CX
	MOVQ s+128(FP), R11
	MOVQ c+136(FP), AX
	VBROADCASTSD 0(AX), Y11
	VBROADCASTSD 8(AX), Y12
	VBROADCASTSD 16(AX), Y13
	VBROADCASTSD 24(AX), Y14
	VMOVUPD negim<>(SB), Y15
	SHLQ $4, R11            // S = 16·s
	MOVQ CX, R8
	IMULQ R11, R8           // Q = S·mb
	LEAQ (R8)(R8*4), R9     // 5·Q
	LEAQ (R9)(R9*2), R10    // 15·Q
	LEAQ (R11)(R11*4), R12  // 5·S
	LEAQ (R12)(R12*2), R13  // 15·S

p55p:
	MOVQ s+128(FP), AX
	SHRQ $1, AX

q55p:
	MOVQ SI, R15
	P5A(0, 0, 0)
	ADDQ R8, R15
	P5A(64, 0, 160)
	ADDQ R8, R15
	P5A(128, 0, 320)
	ADDQ R8, R15
	P5A(192, 0, 480)
	ADDQ R8, R15
	P5A(256, 0, 640)
	MOVQ DI, R15
	P5B(0, 0)
	ADDQ R11, R15
	P5B(32, 0)
	ADDQ R11, R15
	P5B(64, 0)
	ADDQ R11, R15
	P5B(96, 0)
	ADDQ R11, R15
	P5B(128, 0)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ AX
	JNZ  q55p

	ADDQ R13, DI            // DI moved S in the q loop; a block is 25·S
	ADDQ R12, DI
	LEAQ (DI)(R11*4), DI
	ADDQ $320, R14
	ADDQ $64, DX
	DECQ CX
	JNZ  p55p
	VZEROUPPER
	RET


// func radix3s1AVX2(y, x, tw []complex128, m int, sin60 float64)
//
// radix3 with s = 1 for the blocks p, p+1 at once: the outputs of block p
// (y[3p..3p+2]) are the low halves, those of p+1 the high halves.
TEXT ·radix3s1AVX2(SB), NOSPLIT, $0-88
	MOVQ y_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ tw_base+48(FP), DX
	MOVQ m+72(FP), CX
	VBROADCASTSD sin60+80(FP), Y14
	VBROADCASTSD half<>(SB), Y13
	VMOVUPD negim<>(SB), Y15
	MOVQ CX, R8
	SHLQ $4, R8             // 16·m
	SHRQ $1, CX

r3s1:
	VMOVUPD (SI), Y0
	VMOVUPD (SI)(R8*1), Y1
	VMOVUPD (SI)(R8*2), Y2
	VADDPD  Y2, Y1, Y3
	VSUBPD  Y2, Y1, Y4
	VMULPD  Y14, Y4, Y4
	MULNEGI(Y4, Y15)
	VMOVAPD Y0, Y5
	VFNMADD231PD Y13, Y3, Y5
	VADDPD  Y3, Y0, Y0
	VADDPD  Y4, Y5, Y1
	VSUBPD  Y4, Y5, Y2
	VMOVUPD 0(DX), X8
	VINSERTF128 $1, 32(DX), Y8, Y8
	VMOVDDUP Y8, Y9
	VPERMILPD $15, Y8, Y10
	CMUL(Y1, Y9, Y10, Y6)
	VMOVUPD 16(DX), X8
	VINSERTF128 $1, 48(DX), Y8, Y8
	VMOVDDUP Y8, Y9
	VPERMILPD $15, Y8, Y10
	CMUL(Y2, Y9, Y10, Y7)
	VMOVUPD X0, 0(DI)
	VMOVUPD X6, 16(DI)
	VMOVUPD X7, 32(DI)
	VEXTRACTF128 $1, Y0, 48(DI)
	VEXTRACTF128 $1, Y6, 64(DI)
	VEXTRACTF128 $1, Y7, 80(DI)
	ADDQ $32, SI
	ADDQ $64, DX
	ADDQ $96, DI
	DECQ CX
	JNZ  r3s1
	VZEROUPPER
	RET

// S1TW5 multiplies Z by the twiddles at TWOFF(DX) (block p) and
// TWOFF+64(DX) (block p+1) and stores the product for block p at
// OUTOFF(DI) and for block p+1 at OUTOFF+80(DI).
#define S1TW5(Z, TWOFF, OUTOFF) \
	VMOVUPD TWOFF(DX), X5; \
	VINSERTF128 $1, TWOFF+64(DX), Y5, Y5; \
	VMOVDDUP Y5, Y6; \
	VPERMILPD $15, Y5, Y7; \
	CMUL(Z, Y6, Y7, Y8); \
	VMOVUPD X8, OUTOFF(DI); \
	VEXTRACTF128 $1, Y8, OUTOFF+80(DI)

// func radix5s1AVX2(y, x, tw []complex128, m int, c *[4]float64)
//
// radix5 with s = 1 for the blocks p, p+1 at once, like radix3s1AVX2.
TEXT ·radix5s1AVX2(SB), NOSPLIT, $0-88
	MOVQ y_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ tw_base+48(FP), DX
	MOVQ m+72(FP), CX
	MOVQ c+80(FP), AX
	VBROADCASTSD 0(AX), Y11
	VBROADCASTSD 8(AX), Y12
	VBROADCASTSD 16(AX), Y13
	VBROADCASTSD 24(AX), Y14
	VMOVUPD negim<>(SB), Y15
	MOVQ CX, R8
	SHLQ $4, R8             // 16·m
	LEAQ (R8)(R8*2), R10    // 48·m
	SHRQ $1, CX

r5s1:
	VMOVUPD (SI), Y0
	VMOVUPD (SI)(R8*1), Y1
	VMOVUPD (SI)(R8*2), Y2
	VMOVUPD (SI)(R10*1), Y3
	VMOVUPD (SI)(R8*4), Y4
	R5BFLY
	VMOVUPD X0, 0(DI)
	VEXTRACTF128 $1, Y0, 80(DI)
	S1TW5(Y1, 0, 16)
	S1TW5(Y2, 16, 32)
	S1TW5(Y3, 32, 48)
	S1TW5(Y4, 48, 64)
	ADDQ $32, SI
	ADDQ $128, DX
	ADDQ $160, DI
	DECQ CX
	JNZ  r5s1
	VZEROUPPER
	RET

// R3BFLY is the radix-3 butterfly of radix3 on Y0..Y2 (Y13 = 1/2, Y14 =
// sin60, Y15 = negim; clobbers Y3..Y5): Y0..Y2 become the outputs
// j = 0..2 before their twiddles.
#define R3BFLY \
	VADDPD  Y2, Y1, Y3; \
	VSUBPD  Y2, Y1, Y4; \
	VMULPD  Y14, Y4, Y4; \
	VPERMILPD $5, Y4, Y4; \
	VXORPD  Y15, Y4, Y4; \
	VMOVAPD Y0, Y5; \
	VFNMADD231PD Y13, Y3, Y5; \
	VADDPD  Y3, Y0, Y0; \
	VADDPD  Y4, Y5, Y1; \
	VSUBPD  Y4, Y5, Y2

// TWSTORE3 multiplies Z by the twiddle at WR, WI (memory) and stores it
// at D (clobbers Y6, Y8, Y9).
#define TWSTORE3(Z, WR, WI, D) \
	VBROADCASTSD WR, Y8; \
	VBROADCASTSD WI, Y9; \
	CMUL(Z, Y8, Y9, Y6); \
	VMOVUPD Y6, D

// P3A is a radix-3 butterfly of the first pass of radix33AVX2 for the block
// p' + K·mb: inputs at (R14) + 0, 3Q, 6Q (R9 = 3Q), twiddles at (R15),
// outputs to the scratch at B(BX) + 0, 32, 64.
#define P3A(B) \
	VMOVUPD (R14), Y0; \
	VMOVUPD (R14)(R9*1), Y1; \
	VMOVUPD (R14)(R9*2), Y2; \
	R3BFLY; \
	VMOVUPD Y0, B(BX); \
	TWSTORE3(Y1, 0(R15), 8(R15), B+32(BX)); \
	TWSTORE3(Y2, 16(R15), 24(R15), B+64(BX))

// P3B is a radix-3 butterfly of the second pass for the column group j:
// inputs from the scratch at B(BX) + 0, 96, 192, twiddles at DX, outputs at
// (R14) + 0, 3S, 6S (R12 = 3S).
#define P3B(B) \
	VMOVUPD B(BX), Y0; \
	VMOVUPD B+96(BX), Y1; \
	VMOVUPD B+192(BX), Y2; \
	R3BFLY; \
	VMOVUPD Y0, (R14); \
	TWSTORE3(Y1, 0(DX), 8(DX), (R14)(R12*1)); \
	TWSTORE3(Y2, 16(DX), 24(DX), (R14)(R12*2))

// func radix33AVX2(y, x, twa, twb, buf []complex128, mb, s int, sin60 float64)
//
// Two radix-3 passes in one sweep, (3, 3·mb, s) with twiddles twa and
// (3, mb, 3s) with twiddles twb, for an even s. For each block p' < mb and
// pair of columns q, the first pass's butterflies of the blocks p' + K·mb
// (K < 3) write their 9 outputs to buf (9 pairs), and the second pass's
// three butterflies read them back and store to y.
TEXT ·radix33AVX2(SB), NOSPLIT, $0-144
	MOVQ y_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ twa_base+48(FP), R10
	MOVQ twb_base+72(FP), DX
	MOVQ buf_base+96(FP), BX
	MOVQ mb+120(FP), CX
	MOVQ s+128(FP), R11
	VBROADCASTSD sin60+136(FP), Y14
	VBROADCASTSD half<>(SB), Y13
	VMOVUPD negim<>(SB), Y15
	SHLQ $4, R11            // S = 16·s
	MOVQ CX, R8
	IMULQ R11, R8           // Q = S·mb: from block p to p + mb
	LEAQ (R8)(R8*2), R9     // 3·Q: from input k to k+1
	LEAQ (R11)(R11*2), R12  // 3·S
	MOVQ CX, R13
	SHLQ $5, R13            // 32·mb: twa bytes from block p to p + mb

p33:
	MOVQ s+128(FP), AX
	SHRQ $1, AX

q33:
	MOVQ SI, R14
	MOVQ R10, R15
	P3A(0)
	ADDQ R8, R14
	ADDQ R13, R15
	P3A(96)
	ADDQ R8, R14
	ADDQ R13, R15
	P3A(192)
	MOVQ DI, R14
	P3B(0)
	ADDQ R11, R14
	P3B(32)
	ADDQ R11, R14
	P3B(64)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ AX
	JNZ  q33

	LEAQ (DI)(R11*8), DI    // DI moved S in the q loop; a block is 9·S
	ADDQ $32, R10
	ADDQ $32, DX
	DECQ CX
	JNZ  p33
	VZEROUPPER
	RET
