# Build: compile the TypeScript sources; keep only production dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev

# Run: the same image serves the webhook and runs the injected init containers
# (`nifi-ca-guard truststore ...`), so the CLI is on PATH under its own name.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN chmod 0755 dist/src/main.js && ln -s /app/dist/src/main.js /usr/local/bin/nifi-ca-guard
# A numeric non-root user, so runAsNonRoot can be verified by the kubelet.
USER 65532:65532
EXPOSE 8443
ENTRYPOINT ["nifi-ca-guard"]
CMD ["serve"]
