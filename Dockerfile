# Hearth: one image for every instance. Build context: the repository root (see .dockerignore).
FROM node:20-bookworm-slim

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them. The workspaces' package.json
# files must be present for `npm ci` to link @hearth/shared, @hearth/server and @hearth/web.
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY web/package.json web/
RUN npm ci --no-audit --no-fund

# The sources, then the web app's production build (web/build, served by the server).
COPY . .
RUN npm run build \
 && mkdir -p /app/data \
 && chown node:node /app/data

ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0

USER node
EXPOSE 3000

# The server runs its TypeScript through tsx; it handles SIGTERM by closing sockets and the database.
CMD ["node", "--import", "tsx", "server/src/main.ts"]
