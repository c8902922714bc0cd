package dev.lockstep.autoconfigure.testapp;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A minimal web application with Actuator and the Lockstep auto-configuration. */
@SpringBootApplication
public class TestApplication {
}
