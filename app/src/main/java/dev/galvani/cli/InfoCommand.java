package dev.galvani.cli;

import dev.galvani.kernels.Backends;
import picocli.CommandLine.Command;

/** Prints the JDK, the CPU backend and its kernels, so benchmark reports can name them. */
@Command(name = "info", description = "Show the JDK, cores and the kernels in use.")
final class InfoCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("jdk:     " + System.getProperty("java.vm.name") + " " + Runtime.version());
        System.out.println("cores:   " + Runtime.getRuntime().availableProcessors());
        System.out.println("memory:  " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB max heap");
        System.out.println("backend: " + Backends.current().name());
    }
}
