// pulumi-language-nodejs as agentid builds it: a thin shim of our own in front of the v3.68.0
// Node.js language host (the last one the Go module proxy serves). It forwards every call to that
// host and implements RunPlugin itself, which v3.68.0 leaves as "not supported" but the 3.248
// engine uses to run Node.js policy packs and plugins.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
)

type shim struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	host pulumirpc.LanguageRuntimeClient
}

func (s *shim) GetRequiredPlugins(ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return s.host.GetRequiredPlugins(ctx, req)
}

func (s *shim) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	return s.host.Run(ctx, req)
}

func (s *shim) GetPluginInfo(ctx context.Context, req *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return s.host.GetPluginInfo(ctx, req)
}

func (s *shim) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	return s.host.About(ctx, req)
}

func (s *shim) GetProgramDependencies(ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return s.host.GetProgramDependencies(ctx, req)
}

func (s *shim) InstallDependencies(req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer) error {
	stream, err := s.host.InstallDependencies(server.Context(), req)
	if err != nil {
		return err
	}
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := server.Send(msg); err != nil {
			return err
		}
	}
}

// RunPlugin runs a Node.js policy pack (kind "analyzer") or plugin with @pulumi/pulumi's own
// entry points, streaming its output back; the engine reads the plugin's port from stdout.
func (s *shim) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetProgram()
	}
	pulumiPkg, err := findPackage(dir, "@pulumi/pulumi")
	if err != nil {
		return err
	}
	var args []string
	if req.GetKind() == "analyzer" {
		// run-policy-pack: <engine-address> <program>
		args = append([]string{filepath.Join(pulumiPkg, "cmd", "run-policy-pack")}, req.GetArgs()...)
		args = append(args, dir)
	} else {
		// run-plugin: <program> [args…]
		args = append([]string{filepath.Join(pulumiPkg, "cmd", "run-plugin"), dir}, req.GetArgs()...)
	}
	cmd := exec.Command("node", args...)
	cmd.Dir = dir
	cmd.Env = req.GetEnv()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting node for %s: %w", dir, err)
	}
	var mu sync.Mutex
	send := func(resp *pulumirpc.RunPluginResponse) {
		mu.Lock()
		defer mu.Unlock()
		_ = server.Send(resp)
	}
	var wg sync.WaitGroup
	pump := func(r io.Reader, wrap func([]byte) *pulumirpc.RunPluginResponse) {
		defer wg.Done()
		buf := make([]byte, 32*1024)
		for {
			n, err := r.Read(buf)
			if n > 0 {
				send(wrap(append([]byte(nil), buf[:n]...)))
			}
			if err != nil {
				return
			}
		}
	}
	wg.Add(2)
	go pump(stdout, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}}
	})
	go pump(stderr, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}}
	})
	wg.Wait()
	code := 0
	if err := cmd.Wait(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			return err
		}
		code = exit.ExitCode()
	}
	send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
	return nil
}

// findPackage walks up from dir to the node_modules folder holding pkg.
func findPackage(dir, pkg string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		candidate := filepath.Join(d, "node_modules", filepath.FromSlash(pkg))
		if _, err := os.Stat(filepath.Join(candidate, "package.json")); err == nil {
			return candidate, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("could not find %s in a node_modules folder above %s; run npm install there", pkg, dir)
		}
	}
}

func main() {
	// The host lives beside the path the engine started us by (next to the pulumi binary), or
	// beside our own file.
	self, err := os.Executable()
	if err != nil {
		fatal(err)
	}
	real := ""
	for _, dir := range []string{filepath.Dir(os.Args[0]), filepath.Dir(self)} {
		candidate := filepath.Join(dir, "pulumi-language-nodejs-host")
		if _, statErr := os.Stat(candidate); statErr == nil {
			real = candidate
			break
		}
	}
	if real == "" {
		fatal(fmt.Errorf("pulumi-language-nodejs-host not found beside %s or %s; run scripts/toolchain", os.Args[0], self))
	}
	child := exec.Command(real, os.Args[1:]...)
	child.Stderr = os.Stderr
	out, err := child.StdoutPipe()
	if err != nil {
		fatal(err)
	}
	if err := child.Start(); err != nil {
		fatal(fmt.Errorf("starting %s: %w", real, err))
	}
	port, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		fatal(fmt.Errorf("reading the port of %s: %w", real, err))
	}
	conn, err := grpc.NewClient("127.0.0.1:"+strings.TrimSpace(port), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fatal(err)
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, &shim{host: pulumirpc.NewLanguageRuntimeClient(conn)})
			return nil
		},
	})
	if err != nil {
		fatal(err)
	}
	fmt.Printf("%d\n", handle.Port)
	err = <-handle.Done
	_ = child.Process.Kill()
	if err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintf(os.Stderr, "pulumi-language-nodejs (agentid shim): %v\n", err)
	os.Exit(1)
}
