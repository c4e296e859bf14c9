package dev.galvani.engine.nn;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The dotted name of the module whose forward is running, so that an op can name the node in an
 * error message ({@code conv2d 'inception3a.branch1.conv': ...}).
 */
public final class Scope {
    private static final ThreadLocal<Deque<String>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    private Scope() {}

    public static String currentName() {
        String n = STACK.get().peek();
        return n == null ? "<top>" : n;
    }

    static void push(String name) {
        STACK.get().push(name);
    }

    static void pop() {
        STACK.get().pop();
    }
}
