# syntax=docker/dockerfile:1
# ServerPower operator image: build with the .NET SDK, run on the chiseled ASP.NET runtime (no shell,
# no package manager, non-root user app, UID/GID 1654).
#   docker build -t serverpower-operator:0.1.0 .

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src

# Restore in its own layer: it reruns only when a project file or the central package versions change.
COPY Operator.sln Directory.Build.props Directory.Packages.props ./
COPY src/ServerPower.Api/ServerPower.Api.csproj src/ServerPower.Api/
COPY src/ServerPower.RateLimiting/ServerPower.RateLimiting.csproj src/ServerPower.RateLimiting/
COPY src/ServerPower.Providers/ServerPower.Providers.csproj src/ServerPower.Providers/
COPY src/ServerPower.Sandbox/ServerPower.Sandbox.csproj src/ServerPower.Sandbox/
COPY src/ServerPower.Runtime/ServerPower.Runtime.csproj src/ServerPower.Runtime/
COPY src/ServerPower.Operator/ServerPower.Operator.csproj src/ServerPower.Operator/
COPY src/ServerPower.Kubectl/ServerPower.Kubectl.csproj src/ServerPower.Kubectl/
RUN dotnet restore src/ServerPower.Operator

COPY src/ src/
# The same command CI runs (.ci/publish.sh; a test keeps them equal). Framework-dependent, not AOT and not
# trimmed: the KubernetesClient package serializes with reflection-based System.Text.Json, which trimming
# breaks, and KubernetesClient.Aot has no watch and no leader election.
RUN dotnet publish src/ServerPower.Operator -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /app ./
# The root file system is read-only in the cluster: no diagnostics IPC socket in /tmp.
ENV DOTNET_EnableDiagnostics=0
# The image's own non-root user (app); numeric, so runAsNonRoot can verify it.
USER 1654
# /metrics, /healthz and /readyz.
EXPOSE 8080
ENTRYPOINT ["dotnet", "ServerPower.Operator.dll"]
