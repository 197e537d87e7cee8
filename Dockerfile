# nifi-ca-guard: the webhook, and the `nifi-ca-guard truststore ...` init containers it injects into every
# NiFi pod. `make image` builds it from local base images made from Debian's packages and the Node.js
# binary on the npm registry (hack/image/); any public Node.js 24 image works as well:
#   podman build --build-arg BUILD_IMAGE=docker.io/library/node:24-bookworm-slim \
#                --build-arg BASE_IMAGE=docker.io/library/node:24-bookworm-slim .
# BUILD_IMAGE needs a shell, node and npm; BASE_IMAGE only node at NODE_BIN (no shell, no npm needed).
ARG BUILD_IMAGE=docker.io/library/node:24-bookworm-slim
ARG BASE_IMAGE=docker.io/library/node:24-bookworm-slim

FROM ${BUILD_IMAGE} AS build
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
COPY package.json package-lock.json ./
# A machine that reaches the npm registry through a TLS-inspecting proxy passes that proxy's CA as the
# build secret npm-ca (make image does, from NODE_EXTRA_CA_CERTS or npm's cafile); it never enters a layer.
RUN --mount=type=secret,id=npm-ca \
    if [ -s /run/secrets/npm-ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm-ca; fi \
 && npm ci --no-audit --no-fund --ignore-scripts
# Production dependencies, apart and before the sources, so a source change rebuilds neither this step
# nor the image's node_modules layer (NiFi nodes pulling a new version fetch only the small dist layer).
# Without what nothing loads at run time: types, source maps, docs, .ts sources (node never strips types
# under node_modules); @kubernetes/client-node alone ships ~35 MB of .d.ts and maps. Licence files stay.
# Plain POSIX find: the local build base's tools are busybox.
RUN mkdir /prod && cp -a package.json package-lock.json node_modules /prod/ && cd /prod \
 && npm prune --omit=dev --no-audit --no-fund --ignore-scripts \
 && rm -rf package-lock.json node_modules/.package-lock.json node_modules/@types \
 && find node_modules -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \
      -o -name '*.ts' -o -name '*.mts' -o -name '*.cts' \
      -o \( -iname '*.md' ! -iname 'licen*' ! -iname 'notice*' ! -iname 'copying*' \) \) -exec rm -f {} +
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The init containers start the CLI by name (command: [nifi-ca-guard]); the runtime base may have no
# shell and no /usr/bin/env, so main.js names node by its path.
ARG NODE_BIN=/usr/local/bin/node
ARG VERSION=
RUN if [ -n "$VERSION" ] && [ "$VERSION" != "$(node -p 'require("./package.json").version')" ]; then \
      echo "VERSION=$VERSION differs from package.json's version" >&2; exit 1; fi \
 && npx tsc -p tsconfig.build.json \
 && sed -i "1s|^#!.*|#!${NODE_BIN}|" dist/src/main.js && chmod 0755 dist/src/main.js \
 && mkdir -p /out/app /out/usr/local/bin && cp -a dist /out/app/ \
 && ln -s /app/dist/src/main.js /out/usr/local/bin/nifi-ca-guard

FROM ${BASE_IMAGE}
COPY --from=build /prod/ /app/
COPY --from=build /out/ /
WORKDIR /app
ENV NODE_ENV=production
# V8's young generation: left alone it grows to tens of MB per semi-space under a steady stream of
# reviews (RSS after a minute at saturation 227 MB). At 8 MB a scavenge comes every ~60 reviews instead
# of every ~12 at 2 MB, for +15-25% req/s at the same RSS (make bench, README "Performance").
# `make bench` runs serve with this same value, read from this line.
ENV NODE_OPTIONS=--max-semi-space-size=8
# Numeric, so the kubelet can verify runAsNonRoot; nothing is written to the image's own filesystem,
# so it runs with readOnlyRootFilesystem.
USER 65532:65532
EXPOSE 8443
ENTRYPOINT ["nifi-ca-guard"]
CMD ["serve"]
# One version for everything: package.json's (checked above). created is the commit's time, so the
# same commit builds the same labels.
ARG VERSION=
ARG REVISION=
ARG CREATED=
ARG SOURCE=
ARG LICENSES=
ARG DESCRIPTION=
LABEL org.opencontainers.image.title="nifi-ca-guard" \
      org.opencontainers.image.description="${DESCRIPTION}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="${LICENSES}"
