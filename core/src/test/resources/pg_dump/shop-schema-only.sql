--
-- PostgreSQL database dump
--

\restrict wSPZWestsDfaon4fXRPad4WXLyWQNo7lSv0SdmuoDo7oDkTr3DdGFrZjV2k7DFW

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: shop; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA shop;


--
-- Name: status; Type: TYPE; Schema: shop; Owner: -
--

CREATE TYPE shop.status AS ENUM (
    'new',
    'paid',
    'shipped'
);


--
-- Name: order_count(bigint); Type: FUNCTION; Schema: shop; Owner: -
--

CREATE FUNCTION shop.order_count(c bigint) RETURNS bigint
    LANGUAGE sql STABLE
    AS $$ SELECT count(*) FROM shop.orders WHERE customer_id = c; $$;


--
-- Name: touch(); Type: FUNCTION; Schema: shop; Owner: -
--

CREATE FUNCTION shop.touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN NEW.placed_at := now(); RETURN NEW; END $$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: customers; Type: TABLE; Schema: shop; Owner: -
--

CREATE TABLE shop.customers (
    id bigint NOT NULL,
    name text NOT NULL,
    email text
);


--
-- Name: customer_orders; Type: VIEW; Schema: shop; Owner: -
--

CREATE VIEW shop.customer_orders AS
 SELECT c.name,
    shop.order_count(c.id) AS orders
   FROM shop.customers c;


--
-- Name: customers_id_seq; Type: SEQUENCE; Schema: shop; Owner: -
--

ALTER TABLE shop.customers ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME shop.customers_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: orders; Type: TABLE; Schema: shop; Owner: -
--

CREATE TABLE shop.orders (
    id integer NOT NULL,
    customer_id bigint NOT NULL,
    status shop.status DEFAULT 'new'::shop.status NOT NULL,
    note text,
    placed_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: TABLE orders; Type: COMMENT; Schema: shop; Owner: -
--

COMMENT ON TABLE shop.orders IS 'One row per order; see docs; really';


--
-- Name: orders_id_seq; Type: SEQUENCE; Schema: shop; Owner: -
--

CREATE SEQUENCE shop.orders_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: orders_id_seq; Type: SEQUENCE OWNED BY; Schema: shop; Owner: -
--

ALTER SEQUENCE shop.orders_id_seq OWNED BY shop.orders.id;


--
-- Name: orders id; Type: DEFAULT; Schema: shop; Owner: -
--

ALTER TABLE ONLY shop.orders ALTER COLUMN id SET DEFAULT nextval('shop.orders_id_seq'::regclass);


--
-- Name: customers customers_email_key; Type: CONSTRAINT; Schema: shop; Owner: -
--

ALTER TABLE ONLY shop.customers
    ADD CONSTRAINT customers_email_key UNIQUE (email);


--
-- Name: customers customers_pkey; Type: CONSTRAINT; Schema: shop; Owner: -
--

ALTER TABLE ONLY shop.customers
    ADD CONSTRAINT customers_pkey PRIMARY KEY (id);


--
-- Name: orders orders_pkey; Type: CONSTRAINT; Schema: shop; Owner: -
--

ALTER TABLE ONLY shop.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);


--
-- Name: orders_customer_idx; Type: INDEX; Schema: shop; Owner: -
--

CREATE INDEX orders_customer_idx ON shop.orders USING btree (customer_id);


--
-- Name: orders orders_touch; Type: TRIGGER; Schema: shop; Owner: -
--

CREATE TRIGGER orders_touch BEFORE UPDATE ON shop.orders FOR EACH ROW EXECUTE FUNCTION shop.touch();


--
-- Name: orders orders_customer_id_fkey; Type: FK CONSTRAINT; Schema: shop; Owner: -
--

ALTER TABLE ONLY shop.orders
    ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES shop.customers(id);


--
-- PostgreSQL database dump complete
--

\unrestrict wSPZWestsDfaon4fXRPad4WXLyWQNo7lSv0SdmuoDo7oDkTr3DdGFrZjV2k7DFW

