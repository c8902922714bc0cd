package dev.lockstep.autoconfigure.expand.one;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.persistence.autoconfigure.EntityScan;

/** Release 1 of a JPA service: users with a name, a legacy column and an integer age. */
@SpringBootConfiguration
@EnableAutoConfiguration
@EntityScan(basePackageClasses = ReleaseOne.class)
public class ReleaseOne {
}
