# meshid: a small, non-root image. Build: docker build -t meshid .
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json .swcrc ./
COPY src src
COPY libs libs
COPY bench bench
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    MESHID_HOST=0.0.0.0 \
    MESHID_PORT=8080 \
    MESHID_DATA_DIR=/var/lib/meshid
WORKDIR /app
RUN useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin meshid \
 && mkdir -p /var/lib/meshid && chown meshid:meshid /var/lib/meshid && chmod 700 /var/lib/meshid
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
COPY bin bin
COPY migrations migrations
# The admin web UI's static files, served from the package root like the migrations.
COPY src/admin/ui/assets src/admin/ui/assets
USER meshid
VOLUME /var/lib/meshid
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.MESHID_PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/meshid.js"]
CMD ["serve"]
