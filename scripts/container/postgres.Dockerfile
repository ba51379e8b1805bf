# A local stand-in for the official postgres:15-bookworm image, built from Debian's packages
# where registry images cannot be pulled. It honours the part of the official image's contract
# that compose.yaml uses: POSTGRES_USER, POSTGRES_PASSWORD(_FILE), POSTGRES_DB, the data
# directory /var/lib/postgresql/data, port 5432 and pg_isready.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-15 \
    && rm -rf /var/lib/apt/lists/*
ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
VOLUME /var/lib/postgresql/data
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
