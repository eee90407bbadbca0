//go:build tools

// Package tools pins the KWOK controller built by scripts/cluster-up.sh. It is its own module
// so that KWOK keeps the k8s.io/* v0.36 libraries it was released with.
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
