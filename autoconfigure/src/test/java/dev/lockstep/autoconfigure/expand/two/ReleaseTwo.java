package dev.lockstep.autoconfigure.expand.two;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.persistence.autoconfigure.EntityScan;

/** Release 2: name renamed to full_name, legacy dropped, age a text, an email added. */
@SpringBootConfiguration
@EnableAutoConfiguration
@EntityScan(basePackageClasses = ReleaseTwo.class)
public class ReleaseTwo {
}
