package dev.lockstep.autoconfigure.slices;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The configuration the test slices in this package find; its own, so other tests' apps stay small. */
@SpringBootApplication
public class SliceApplication {
}
