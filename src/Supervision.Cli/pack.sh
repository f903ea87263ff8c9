#!/usr/bin/env bash
# Builds the 'supervision' .NET tool package into artifacts/ (or the directory given) and prints how to install it.
# The package is for linux-x64 (Directory.Build.props sets that runtime identifier for the whole solution).
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-artifacts}"
mkdir -p "$out"
dotnet pack src/Supervision.Cli/Supervision.Cli.csproj -c Release -o "$out" -nologo -v quiet
package=$(ls -t "$out"/Supervision.Cli.*.nupkg | head -1)
echo "built $package"
echo "install: dotnet tool install --global --add-source $out Supervision.Cli"
echo "update:  dotnet tool update --global --add-source $out Supervision.Cli"
