package dev.galvani.kernels;

/**
 * The elementwise functions of one argument, with up to two constant parameters {@code p, q}
 * (POW's exponent; CLIP's bounds). {@link Elementwise} holds the reference definitions of each
 * value {@code f(x)} and derivative {@code f'(x)} (which may use {@code y = f(x)}).
 */
public enum UnaryOp { RELU, RELU6, SIGMOID, TANH, EXP, LOG, NEG, SQRT, POW, CLIP }
