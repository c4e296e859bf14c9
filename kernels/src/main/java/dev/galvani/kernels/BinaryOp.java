package dev.galvani.kernels;

/** The elementwise functions of two broadcast arguments. */
public enum BinaryOp { ADD, SUB, MUL, DIV }
