package dev.lockstep.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Marks the {@link javax.sql.DataSource} Lockstep migrates when there are several, or when the
 * migration should use other credentials than the application (a DDL owner, a direct connection
 * that bypasses a transaction-mode pooler). Like Spring Boot's {@code @FlywayDataSource}. Declare
 * the application's own DataSource {@code @Primary} beside it.
 */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Qualifier
public @interface LockstepDataSource {
}
