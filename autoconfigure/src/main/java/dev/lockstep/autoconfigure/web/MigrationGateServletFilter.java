package dev.lockstep.autoconfigure.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The {@link MigrationGate} for servlet applications: 503 with {@code Retry-After} until it opens. */
public class MigrationGateServletFilter implements Filter {

    private final MigrationGate gate;

    public MigrationGateServletFilter(MigrationGate gate) {
        this.gate = gate;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (gate.isOpen() || !(request instanceof HttpServletRequest http)
                || !gate.holds(http.getRequestURI().substring(http.getContextPath().length()))) {
            chain.doFilter(request, response);
            return;
        }
        HttpServletResponse refused = (HttpServletResponse) response;
        refused.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        refused.setHeader("Retry-After", MigrationGate.RETRY_AFTER_SECONDS);
        refused.setContentType("text/plain;charset=UTF-8");
        refused.getWriter().write(MigrationGate.MESSAGE);
    }
}
