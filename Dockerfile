# khkr-match: one image for every replica. Built from this repository:
#   docker build -t khkr-match .
# Everything the server needs at run time (reference data, templates, translations, web and
# GraphiQL assets) is compiled into the binary; only the index directory is written.
FROM rust:1.85-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked && cp target/release/khkr-match /usr/local/bin/khkr-match

FROM debian:bookworm-slim
RUN useradd --system --home-dir /var/lib/khkr --create-home khkr \
    && mkdir /var/lib/khkr/index && chown khkr /var/lib/khkr/index
COPY --from=build /usr/local/bin/khkr-match /usr/local/bin/khkr-match
USER khkr
WORKDIR /var/lib/khkr
# The search index is derived data (rebuilt from the database when missing); a volume keeps
# it across restarts so a restart only replays what it missed.
VOLUME /var/lib/khkr/index
ENV KHKR_BIND=0.0.0.0:8080 KHKR_INDEX_DIR=/var/lib/khkr/index
EXPOSE 8080
ENTRYPOINT ["khkr-match"]
CMD ["serve"]
