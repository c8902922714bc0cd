package dev.lockstep.core;

import java.util.List;

/** Where a {@link LockstepFleet}'s tenants come from when neither a list nor a query says: asked at each fleet run. */
@FunctionalInterface
public interface TenantSource {
    List<String> tenants() throws Exception;
}
