// The grpc-go peer of `make bench` (tests/bench/bench_live.sh): reads one server
// stream of ADDR with grpc-go and protobuf-go, decoding every message, and
// prints its CPU per message beside skview's.
//
// usage: bench_go events|applogs ADDR [QUIET_MS]
//
//	events   v1 /proto.SkaffoldService/Events, each message a LogEntry
//	applogs  v2 /proto.v2.SkaffoldV2Service/ApplicationLogs, each an Event
//	         whose line (pod, container, message) it takes as a consumer would
//
// It stops at the end of the stream, or, like `skview logs -a`, once no
// message came for QUIET_MS (default 300) after the first. Prints one line:
//
//	go: N entries in T s = R entries/s, CPU U s user + S s sys
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	pb "skvbench/pb"
	pbv2 "skvbench/pbv2"
)

type recv func() (int, error)

// taking wraps a stream's Recv: each message decoded, then take's bytes of it.
func taking[T any](next func() (T, error), take func(T) int) recv {
	return func() (int, error) {
		m, err := next()
		if err != nil {
			return 0, err
		}
		return take(m), nil
	}
}

// open starts the stream that kind names and returns its receive function,
// which decodes one message and returns the bytes taken from it.
func open(ctx context.Context, cc *grpc.ClientConn, kind string) (recv, error) {
	switch kind {
	case "events":
		s, err := pb.NewSkaffoldServiceClient(cc).Events(ctx, &emptypb.Empty{})
		if err != nil {
			return nil, err
		}
		return taking(s.Recv, func(e *pb.LogEntry) int { return len(e.GetEntry()) }), nil
	case "applogs":
		s, err := pbv2.NewSkaffoldV2ServiceClient(cc).ApplicationLogs(ctx, &emptypb.Empty{})
		if err != nil {
			return nil, err
		}
		return taking(s.Recv, func(e *pbv2.Event) int {
			a := e.GetApplicationLogEvent()
			return len(a.GetPodName()) + len(a.GetContainerName()) + len(a.GetMessage())
		}), nil
	}
	return nil, fmt.Errorf("unknown stream %q (events or applogs)", kind)
}

func cpu() (float64, float64) {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime), tv(ru.Stime)
}

// watch cancels the stream once *n has stopped growing for quiet after the
// first message (the quiet rule of `skview logs -a`).
func watch(n *int64, quiet time.Duration, cancel func()) {
	seen, since := int64(0), time.Now()
	for range time.Tick(quiet / 6) {
		now := atomic.LoadInt64(n)
		if now != seen {
			seen, since = now, time.Now()
		} else if now > 0 && time.Since(since) >= quiet {
			cancel()
			return
		}
	}
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: bench_go events|applogs ADDR [QUIET_MS]")
		os.Exit(2)
	}
	quiet := 300 * time.Millisecond
	if len(os.Args) > 3 {
		ms, _ := strconv.Atoi(os.Args[3])
		quiet = time.Duration(ms) * time.Millisecond
	}
	cc, err := grpc.Dial(os.Args[2], grpc.WithInsecure(),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(16<<20)))
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench_go:", err)
		os.Exit(1)
	}
	ctx, cancel := context.WithCancel(context.Background())
	next, err := open(ctx, cc, os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench_go:", err)
		os.Exit(1)
	}
	var n int64
	taken := 0
	var first, last time.Time
	go watch(&n, quiet, cancel)
	for {
		b, err := next()
		if err != nil {
			if err != io.EOF && ctx.Err() == nil {
				fmt.Fprintln(os.Stderr, "bench_go:", err)
				os.Exit(1)
			}
			break
		}
		if n == 0 {
			first = time.Now()
		}
		atomic.AddInt64(&n, 1)
		taken += b
		last = time.Now()
	}
	cancel()
	u, s := cpu()
	t := last.Sub(first).Seconds()
	rate := 0.0
	if t > 0 {
		rate = float64(n) / t
	}
	fmt.Printf("go: %d entries in %.2f s = %.0f entries/s, CPU %.2f s user + %.2f s sys (%d bytes taken)\n",
		n, t, rate, u, s, taken)
}
