# Meshlens app image, for docker-compose.yml. The tests validate the compose file offline; there
# is no Docker engine on the development machines, so this image is built by users only.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx next build

FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
COPY --from=build /app /app
EXPOSE 3000
# The launcher applies migrations to DATABASE_URL, then starts `next start`.
CMD ["node", "scripts/bootstrap.mjs", "scripts/serve.ts"]
