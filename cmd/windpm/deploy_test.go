package main

// Tests of the scheduler manifests in deploy/ (docs/deploy.md): every
// windpm invocation in them names a real command and real flags of the
// command tree built by newRootCmd, the shard count and the workers agree
// with the scheduler's settings, the names that tie the Kubernetes objects
// together match, and the external checkers (systemd-analyze verify,
// shellcheck, kubectl kustomize) accept the files where they are
// installed. No cluster, Slurm or systemd instance is needed.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/windpm/windpm/datasets/synth"
	"github.com/windpm/windpm/reports"
	"gopkg.in/yaml.v3"
)

// deployDir is the deploy/ folder seen from this package's directory.
var deployDir = filepath.Join("..", "..", "deploy")

// invocation is one `windpm …` command found in a deploy file.
type invocation struct {
	where string   // file (and container) it was found in
	words []string // the words after "windpm", quotes removed
}

func (inv invocation) String() string {
	return inv.where + ": windpm " + strings.Join(inv.words, " ")
}

// shellCommands splits shell text into simple commands, each a list of
// words with their quotes removed: enough shell for the scripts in deploy/
// (backslash-newline continuations, comments, ', ", and the separators
// newline ; & | && ||). Text inside $(…) and $((…)) stays in its word.
func shellCommands(script string) [][]string {
	script = strings.ReplaceAll(script, "\\\n", " ")
	var cmds [][]string
	var cmd []string
	var word strings.Builder
	inWord := false
	endWord := func() {
		if inWord {
			cmd = append(cmd, word.String())
			word.Reset()
			inWord = false
		}
	}
	endCmd := func() {
		endWord()
		if len(cmd) > 0 {
			cmds = append(cmds, cmd)
			cmd = nil
		}
	}
	depth := 0 // nesting of $( … ) inside the current word
	for i := 0; i < len(script); i++ {
		c := script[i]
		switch {
		case c == '\'' && depth == 0:
			j := strings.IndexByte(script[i+1:], '\'')
			if j < 0 {
				j = len(script) - i - 1
			}
			word.WriteString(script[i+1 : i+1+j])
			inWord = true
			i += j + 1
		case c == '"' && depth == 0:
			j := i + 1
			for ; j < len(script) && script[j] != '"'; j++ {
				if script[j] == '\\' {
					j++
				}
			}
			word.WriteString(script[i+1 : min(j, len(script))])
			inWord = true
			i = j
		case c == '$' && i+1 < len(script) && script[i+1] == '(':
			depth++
			word.WriteString("$(")
			inWord = true
			i++
		case c == '(' && depth > 0:
			depth++
			word.WriteByte(c)
		case c == ')' && depth > 0:
			depth--
			word.WriteByte(c)
		case depth > 0:
			word.WriteByte(c)
		case c == '#' && !inWord:
			for i < len(script) && script[i] != '\n' {
				i++
			}
			endCmd()
		case c == '\n' || c == ';' || c == '&' || c == '|':
			endCmd()
		case c == ' ' || c == '\t':
			endWord()
		default:
			word.WriteByte(c)
			inWord = true
		}
	}
	endCmd()
	return cmds
}

// assignment matches a shell variable assignment before a command.
var assignment = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// windpmInvocations returns the windpm commands of shell text: simple
// commands whose program (after exec and variable assignments) is windpm
// or a path ending in /windpm.
func windpmInvocations(where, script string) []invocation {
	var invs []invocation
	for _, words := range shellCommands(script) {
		for len(words) > 0 && (words[0] == "exec" || assignment.MatchString(words[0])) {
			words = words[1:]
		}
		if len(words) > 0 && (words[0] == "windpm" || strings.HasSuffix(words[0], "/windpm")) {
			invs = append(invs, invocation{where: where, words: words[1:]})
		}
	}
	return invs
}

// requiredFlags are the flags without which a command refuses to run (its
// RunE checks them; they are not marked required in Cobra).
var requiredFlags = map[string][]string{
	"windpm scan":   {"fleet", "out"},
	"windpm report": {"from", "out"},
}

// checkInvocation checks inv against the command tree: the command path
// exists and is runnable, every flag is one of its flags, a flag that
// takes a value has one (a literal value must parse), and the command's
// required flags are given. It returns the command and the flag values.
func checkInvocation(inv invocation) (*cobra.Command, map[string]string, error) {
	root := newRootCmd()
	cmd := root
	words := inv.words
	for len(words) > 0 && !strings.HasPrefix(words[0], "-") {
		var next *cobra.Command
		for _, c := range cmd.Commands() {
			if c.Name() == words[0] || c.HasAlias(words[0]) {
				next = c
			}
		}
		if next == nil {
			break
		}
		cmd, words = next, words[1:]
	}
	if cmd == root || !cmd.Runnable() {
		return nil, nil, fmt.Errorf("%v: no such windpm command", inv)
	}
	cmd.InitDefaultHelpFlag()
	values := map[string]string{}
	for i := 0; i < len(words); i++ {
		w := words[i]
		if !strings.HasPrefix(w, "-") {
			continue // a positional argument
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(w, "-"), "=")
		f := cmd.Flags().Lookup(name)
		if !strings.HasPrefix(w, "--") && len(name) == 1 {
			f = cmd.Flags().ShorthandLookup(name)
		}
		if f == nil {
			f = cmd.InheritedFlags().Lookup(name)
		}
		if f == nil {
			return nil, nil, fmt.Errorf("%v: %s has no flag %s", inv, cmd.CommandPath(), w)
		}
		if f.Value.Type() != "bool" && !hasValue {
			if i+1 >= len(words) || strings.HasPrefix(words[i+1], "--") {
				return nil, nil, fmt.Errorf("%v: flag --%s needs a value", inv, f.Name)
			}
			i++
			value = words[i]
		}
		if !strings.Contains(value, "$") && f.Value.Type() != "bool" {
			if err := f.Value.Set(value); err != nil {
				return nil, nil, fmt.Errorf("%v: --%s %q: %v", inv, f.Name, value, err)
			}
		}
		values[f.Name] = value
	}
	for _, name := range requiredFlags[cmd.CommandPath()] {
		if _, ok := values[name]; !ok {
			return nil, nil, fmt.Errorf("%v: %s needs --%s", inv, cmd.CommandPath(), name)
		}
	}
	return cmd, values, nil
}

// readDeploy returns the content of a file under deploy/.
func readDeploy(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(deployDir, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// yamlDocs decodes every document of a YAML file into generic maps.
func yamlDocs(t *testing.T, rel string) []map[string]any {
	t.Helper()
	dec := yaml.NewDecoder(strings.NewReader(readDeploy(t, rel)))
	var docs []map[string]any
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		if doc != nil {
			docs = append(docs, doc)
		}
	}
	return docs
}

// at walks a generic YAML value along keys (strings for maps, ints for
// lists); nil when a step is missing.
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// str returns a generic YAML scalar as text ("" for nil).
func str(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// podSpec returns the pod spec of a Job or a CronJob, nil for other kinds.
func podSpec(doc map[string]any) map[string]any {
	var v any
	switch doc["kind"] {
	case "Job":
		v = at(doc, "spec", "template", "spec")
	case "CronJob":
		v = at(doc, "spec", "jobTemplate", "spec", "template", "spec")
	}
	m, _ := v.(map[string]any)
	return m
}

// k8sFiles lists the YAML files of deploy/kubernetes.
func k8sFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(deployDir, "kubernetes", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no YAML in %s/kubernetes (%v)", deployDir, err)
	}
	var rel []string
	for _, f := range files {
		rel = append(rel, filepath.Join("kubernetes", filepath.Base(f)))
	}
	return rel
}

// shellScript returns the shell text a container runs: the -c script of
// a shell, the content of a script from deploy/kubernetes mounted under
// /etc/windpm, or the command and arguments as one line.
func shellScript(t *testing.T, c any) (script string, fromFile string) {
	t.Helper()
	var words []string
	for _, key := range []string{"command", "args"} {
		l, _ := at(c, key).([]any)
		for _, w := range l {
			words = append(words, str(w))
		}
	}
	if len(words) == 0 {
		return "", ""
	}
	if strings.HasSuffix(words[0], "sh") && len(words) >= 2 {
		if words[1] == "-c" && len(words) >= 3 {
			return words[2], ""
		}
		if dir, file := filepath.Split(words[1]); dir == "/etc/windpm/" {
			return readDeploy(t, filepath.Join("kubernetes", file)), file
		}
	}
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = "'" + w + "'"
	}
	return strings.Join(quoted, " "), ""
}

// allInvocations returns every windpm invocation in deploy/, and the
// shell scripts embedded in Kubernetes containers (for shellcheck).
func allInvocations(t *testing.T) (invs []invocation, embedded map[string]string) {
	t.Helper()
	embedded = map[string]string{}
	for _, rel := range k8sFiles(t) {
		for _, doc := range yamlDocs(t, rel) {
			spec := podSpec(doc)
			if spec == nil {
				continue
			}
			for _, key := range []string{"initContainers", "containers"} {
				l, _ := spec[key].([]any)
				for _, c := range l {
					where := fmt.Sprintf("%s (container %s)", rel, str(at(c, "name")))
					script, file := shellScript(t, c)
					if file == "" && script != "" {
						embedded[where] = script
					}
					invs = append(invs, windpmInvocations(where, script)...)
				}
			}
		}
	}
	for _, pattern := range []string{"*/*.sh", "*/*.sbatch"} {
		files, _ := filepath.Glob(filepath.Join(deployDir, pattern))
		for _, f := range files {
			rel, _ := filepath.Rel(deployDir, f)
			if strings.HasPrefix(rel, "kubernetes"+string(filepath.Separator)) {
				continue // read through the container that runs it
			}
			invs = append(invs, windpmInvocations(rel, readDeploy(t, rel))...)
		}
	}
	units, _ := filepath.Glob(filepath.Join(deployDir, "systemd", "*.service"))
	for _, f := range units {
		rel, _ := filepath.Rel(deployDir, f)
		for _, line := range strings.Split(readDeploy(t, rel), "\n") {
			if k, v, ok := strings.Cut(line, "="); ok && strings.HasPrefix(k, "Exec") {
				invs = append(invs, windpmInvocations(rel, strings.TrimLeft(v, "-@:+!"))...)
			}
		}
	}
	return invs, embedded
}

func TestDeployInvocationChecker(t *testing.T) {
	// The checker itself must be able to fail.
	bad := []string{
		"windpm scna --fleet f --out o",
		"windpm scan --fleet f --out o --shards 1/2",
		"windpm scan --fleet f --out o --jobs",
		"windpm scan --fleet f --out o --jobs two",
		"windpm scan --fleet f",
		"windpm report --out o",
		"windpm scada",
	}
	for _, s := range bad {
		invs := windpmInvocations("test", s)
		if len(invs) != 1 {
			t.Fatalf("%q: %d invocations, want 1", s, len(invs))
		}
		if _, _, err := checkInvocation(invs[0]); err == nil {
			t.Errorf("%q: accepted", s)
		}
	}
	good := `set -eu
x=$(cat f) # windpm scan --not-a-flag in a comment
exec /usr/local/bin/windpm scan --fleet "$F" --out o \
	--jobs 2 --shard "$((JOB_COMPLETION_INDEX + 1))/${N}" && echo 'windpm scan --no'
GOMEMLIMIT=1GiB windpm report --from a --from=b --out o --fail-on alarm; windpm scada ingest -h`
	invs := windpmInvocations("test", good)
	var got []string
	for _, inv := range invs {
		if _, _, err := checkInvocation(inv); err != nil {
			t.Error(err)
		}
		got = append(got, strings.Join(inv.words, " "))
	}
	want := []string{
		`scan --fleet $F --out o --jobs 2 --shard $((JOB_COMPLETION_INDEX + 1))/${N}`,
		`report --from a --from=b --out o --fail-on alarm`,
		`scada ingest -h`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("invocations:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestDeployInvocations(t *testing.T) {
	invs, _ := allInvocations(t)
	seen := map[string]int{} // command path → invocations, per scheduler
	for _, inv := range invs {
		cmd, values, err := checkInvocation(inv)
		if err != nil {
			t.Error(err)
			continue
		}
		scheduler := strings.SplitN(inv.where, string(filepath.Separator), 2)[0]
		seen[scheduler+": "+cmd.CommandPath()]++
		if cmd.Name() == "scan" && scheduler != "systemd" {
			if values["shard"] == "" {
				t.Errorf("%v: a scheduler's scan runs one shard (--shard)", inv)
			}
		}
		if cmd.Name() == "scan" && scheduler == "systemd" && values["shard"] != "" {
			t.Errorf("%v: the single-host service scans the whole fleet (no --shard)", inv)
		}
	}
	var list []string
	for k, n := range seen {
		list = append(list, fmt.Sprintf("%s ×%d", k, n))
	}
	sort.Strings(list)
	t.Logf("windpm invocations checked: %s", strings.Join(list, ", "))
	// Each scheduler scans, and the sharded ones merge.
	for _, want := range []string{"kubernetes: windpm scan", "kubernetes: windpm report", "slurm: windpm scan", "slurm: windpm report", "systemd: windpm scan"} {
		if seen[want] == 0 {
			t.Errorf("no %q invocation found in deploy/", want)
		}
	}
}

func TestDeployKubernetes(t *testing.T) {
	objects := map[string]map[string]any{} // kind/name → object
	for _, rel := range k8sFiles(t) {
		docs := yamlDocs(t, rel)
		if len(docs) == 0 {
			t.Errorf("%s: no YAML document", rel)
		}
		for _, doc := range docs {
			kind, api, name := str(doc["kind"]), str(doc["apiVersion"]), str(at(doc, "metadata", "name"))
			if kind == "" || api == "" {
				t.Errorf("%s: a document without apiVersion or kind", rel)
				continue
			}
			if kind != "Kustomization" && name == "" {
				t.Errorf("%s: %s without metadata.name", rel, kind)
			}
			objects[kind+"/"+name] = doc
			spec := podSpec(doc)
			if spec == nil {
				continue
			}
			containers, _ := spec["containers"].([]any)
			for _, c := range containers {
				if str(at(c, "image")) == "" {
					t.Errorf("%s: container %s has no image", rel, str(at(c, "name")))
				}
				script, _ := shellScript(t, c)
				if len(windpmInvocations(rel, script)) == 0 {
					t.Errorf("%s: container %s runs no windpm command", rel, str(at(c, "name")))
				}
				mounts, _ := at(c, "volumeMounts").([]any)
				for _, m := range mounts {
					found := false
					vols, _ := spec["volumes"].([]any)
					for _, v := range vols {
						found = found || str(at(v, "name")) == str(at(m, "name"))
					}
					if !found {
						t.Errorf("%s: container %s mounts volume %s that the pod does not declare", rel, str(at(c, "name")), str(at(m, "name")))
					}
				}
			}
			if (at(doc, "spec", "backoffLimitPerIndex") != nil || at(doc, "spec", "podFailurePolicy") != nil) && str(spec["restartPolicy"]) != "Never" {
				t.Errorf("%s: backoffLimitPerIndex and podFailurePolicy need restartPolicy: Never", rel)
			}
		}
	}

	// The shards: an Indexed Job whose completion index becomes --shard
	// K/N with N = completions = SHARDS, and --jobs = the CPU request.
	job := objects["Job/windpm-scan-shards"]
	if job == nil {
		t.Fatal("no Job windpm-scan-shards in deploy/kubernetes")
	}
	if mode := str(at(job, "spec", "completionMode")); mode != "Indexed" {
		t.Errorf("shards Job: completionMode %q, want Indexed", mode)
	}
	completions, _ := at(job, "spec", "completions").(int)
	n := str(completions)
	if p, _ := at(job, "spec", "parallelism").(int); completions < 1 || p < 1 || p > completions {
		t.Errorf("shards Job: parallelism %v outside 1..completions (%v)", at(job, "spec", "parallelism"), at(job, "spec", "completions"))
	}
	c := at(podSpec(job), "containers", 0)
	shards := ""
	envs, _ := at(c, "env").([]any)
	for _, e := range envs {
		if str(at(e, "name")) == "SHARDS" {
			shards = str(at(e, "value"))
		}
	}
	if shards != n {
		t.Errorf("shards Job: SHARDS=%q but completions %s", shards, n)
	}
	script, _ := shellScript(t, c)
	invs := windpmInvocations("shards-job.yaml", script)
	if len(invs) != 1 {
		t.Fatalf("shards Job: %d windpm invocations, want 1", len(invs))
	}
	_, values, err := checkInvocation(invs[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := "$((JOB_COMPLETION_INDEX + 1))/${SHARDS}"; values["shard"] != want {
		t.Errorf("shards Job: --shard %q, want %q", values["shard"], want)
	}
	if cpu := str(at(c, "resources", "requests", "cpu")); values["jobs"] != cpu {
		t.Errorf("shards Job: --jobs %s but a CPU request of %s", values["jobs"], cpu)
	}
	if str(at(c, "resources", "limits", "memory")) == "" {
		t.Error("shards Job: no memory limit")
	}
	rules, _ := at(job, "spec", "podFailurePolicy", "rules").([]any)
	for _, r := range rules {
		if name := at(r, "onExitCodes", "containerName"); name != nil && str(name) != str(at(c, "name")) {
			t.Errorf("shards Job: podFailurePolicy names container %v, the pod has %s", name, str(at(c, "name")))
		}
	}

	// The names that tie the objects together.
	cron := objects["CronJob/windpm-nightly"]
	if cron == nil {
		t.Fatal("no CronJob windpm-nightly in deploy/kubernetes")
	}
	if str(at(cron, "spec", "concurrencyPolicy")) != "Forbid" {
		t.Error("CronJob: concurrencyPolicy must be Forbid (two nights would delete each other's shards)")
	}
	if sa := str(at(podSpec(cron), "serviceAccountName")); objects["ServiceAccount/"+sa] == nil || objects["RoleBinding/"+sa] == nil {
		t.Errorf("CronJob: service account %q has no ServiceAccount and RoleBinding in deploy/kubernetes", sa)
	}
	for _, doc := range []map[string]any{job, cron} {
		vols, _ := at(podSpec(doc), "volumes").([]any)
		for _, v := range vols {
			if claim := at(v, "persistentVolumeClaim", "claimName"); claim != nil && objects["PersistentVolumeClaim/"+str(claim)] == nil {
				t.Errorf("%s: claim %v is not in pvc.yaml", doc["kind"], claim)
			}
			if cm := at(v, "configMap", "name"); cm != nil {
				kust := objects["Kustomization/"]
				gens, _ := at(kust, "configMapGenerator").([]any)
				found := false
				for _, g := range gens {
					if str(at(g, "name")) == str(cm) {
						found = true
						files, _ := at(g, "files").([]any)
						for _, f := range files {
							if _, err := os.Stat(filepath.Join(deployDir, "kubernetes", str(f))); err != nil {
								t.Error(err)
							}
						}
					}
				}
				if !found {
					t.Errorf("%s: ConfigMap %v is not generated by kustomization.yaml", doc["kind"], cm)
				}
			}
		}
	}
	// nightly.sh creates and watches the Job of shards-job.yaml.
	nightly := readDeploy(t, filepath.Join("kubernetes", "nightly.sh"))
	if !strings.Contains(nightly, "job="+str(at(job, "metadata", "name"))+"\n") || !strings.Contains(nightly, "/etc/windpm/shards-job.yaml") {
		t.Error("nightly.sh does not create and watch the Job of shards-job.yaml")
	}
	verbs := fmt.Sprint(at(objects["Role/windpm-nightly"], "rules", 0, "verbs"))
	for _, v := range []string{"create", "delete", "get", "watch"} {
		if !strings.Contains(verbs, v) {
			t.Errorf("Role windpm-nightly: no %q on jobs (nightly.sh needs it)", v)
		}
	}
}

func TestDeploySlurm(t *testing.T) {
	shard := readDeploy(t, filepath.Join("slurm", "windpm-shard.sbatch"))
	if !regexp.MustCompile(`(?m)^#SBATCH --array=1-\d+$`).MatchString(shard) {
		t.Error("windpm-shard.sbatch: no #SBATCH --array=1-N")
	}
	m := regexp.MustCompile(`(?m)^#SBATCH --cpus-per-task=(\d+)$`).FindStringSubmatch(shard)
	if m == nil {
		t.Fatal("windpm-shard.sbatch: no #SBATCH --cpus-per-task")
	}
	invs := windpmInvocations("windpm-shard.sbatch", shard)
	if len(invs) != 1 {
		t.Fatalf("windpm-shard.sbatch: %d windpm invocations, want 1", len(invs))
	}
	_, values, err := checkInvocation(invs[0])
	if err != nil {
		t.Fatal(err)
	}
	if values["jobs"] != "${SLURM_CPUS_PER_TASK:-"+m[1]+"}" {
		t.Errorf("windpm-shard.sbatch: --jobs %s, want the task's CPUs (${SLURM_CPUS_PER_TASK:-%s})", values["jobs"], m[1])
	}
	if !strings.Contains(shard, `shard="${SLURM_ARRAY_TASK_ID}/${shards}"`) || values["shard"] != "$shard" {
		t.Errorf("windpm-shard.sbatch: --shard %s is not ${SLURM_ARRAY_TASK_ID}/N", values["shard"])
	}
	submit := readDeploy(t, filepath.Join("slurm", "submit.sh"))
	for _, want := range []string{`--array="1-${WINDPM_SHARDS}"`, `--dependency="afterok:${array}"`, "windpm-shard.sbatch", "windpm-report.sbatch"} {
		if !strings.Contains(submit, want) {
			t.Errorf("submit.sh: no %s", want)
		}
	}
}

func TestDeploySystemd(t *testing.T) {
	service := readDeploy(t, filepath.Join("systemd", "windpm-scan.service"))
	timer := readDeploy(t, filepath.Join("systemd", "windpm-scan.timer"))
	for _, want := range []string{"Type=oneshot", "User=windpm", "ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes", "OnFailure="} {
		if !strings.Contains(service, "\n"+want) {
			t.Errorf("windpm-scan.service: no %s", want)
		}
	}
	// Exit 4 (an open alarm) must fail the unit.
	if regexp.MustCompile(`(?m)^SuccessExitStatus=.*\b4\b`).MatchString(service) {
		t.Error("windpm-scan.service: SuccessExitStatus= hides exit 4 (an open alarm)")
	}
	invs := windpmInvocations("windpm-scan.service", regexp.MustCompile(`(?m)^ExecStart=(.*)$`).FindStringSubmatch(service)[1])
	if len(invs) != 1 {
		t.Fatalf("windpm-scan.service: %d windpm invocations in ExecStart, want 1", len(invs))
	}
	_, values, err := checkInvocation(invs[0])
	if err != nil {
		t.Fatal(err)
	}
	if rw := regexp.MustCompile(`(?m)^ReadWritePaths=(.*)$`).FindStringSubmatch(service); rw == nil || strings.TrimSpace(rw[1]) != values["out"] {
		t.Errorf("windpm-scan.service: ReadWritePaths= must be the --out folder %s", values["out"])
	}
	if values["fail-on"] == "" {
		t.Error("windpm-scan.service: no --fail-on")
	}
	for _, want := range []string{"OnCalendar=", "Persistent=true", "RandomizedDelaySec="} {
		if !strings.Contains(timer, "\n"+want) {
			t.Errorf("windpm-scan.timer: no %s", want)
		}
	}

	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed (Debian package systemd): the unit files are not verified")
	}
	// verify wants ExecStart's program to exist: point it at this test's
	// own executable in a copy of the units.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	units, _ := filepath.Glob(filepath.Join(deployDir, "systemd", "*"))
	var paths []string
	for _, u := range units {
		b, err := os.ReadFile(u)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.Base(u))
		if err := os.WriteFile(p, bytes.ReplaceAll(b, []byte("/usr/local/bin/windpm"), []byte(self)), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	out, err := exec.Command(analyze, append([]string{"verify"}, paths...)...).CombinedOutput()
	// verify only warns about an unknown key or a bad value: any output
	// is a failure.
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	out, err = exec.Command(analyze, "security", "--offline=yes", "--no-pager", paths[1]).CombinedOutput()
	if err == nil {
		if m := regexp.MustCompile(`Overall exposure level for \S+: ([0-9.]+ \S+)`).FindSubmatch(out); m != nil {
			t.Logf("systemd-analyze security: exposure %s", m[1])
		}
	}
}

func TestDeployShellcheck(t *testing.T) {
	sc, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Skip("shellcheck not installed (apt-get install shellcheck): the scripts are not checked")
	}
	_, embedded := allInvocations(t)
	dir := t.TempDir()
	var files []string
	for _, pattern := range []string{"*/*.sh", "*/*.sbatch"} {
		f, _ := filepath.Glob(filepath.Join(deployDir, pattern))
		files = append(files, f...)
	}
	names := make([]string, 0, len(embedded))
	for where := range embedded {
		names = append(names, where)
	}
	sort.Strings(names)
	for i, where := range names {
		p := filepath.Join(dir, fmt.Sprintf("embedded%d.sh", i))
		// A container's sh -c script: POSIX sh; the variables the pod
		// sets (JOB_COMPLETION_INDEX, env:) are not assigned in it.
		if err := os.WriteFile(p, []byte("#!/bin/sh\n# "+where+"\n# shellcheck disable=SC2154\n"+embedded[where]+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	// The units' `sh -c '…'` lines, unescaped as systemd passes them on
	// ($$ is $, %i the instance name).
	units, _ := filepath.Glob(filepath.Join(deployDir, "systemd", "*.service"))
	shC := regexp.MustCompile(`(?m)^Exec[A-Za-z]*=/bin/sh -c '(.*)'$`)
	for _, u := range units {
		b, err := os.ReadFile(u)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range shC.FindAllStringSubmatch(string(b), -1) {
			script := strings.NewReplacer("$$", "$", "%i", "windpm-scan.service", "%n", "windpm-alert@windpm-scan.service.service").Replace(m[1])
			p := filepath.Join(dir, fmt.Sprintf("%s-%d.sh", filepath.Base(u), i))
			if err := os.WriteFile(p, []byte("#!/bin/sh\n"+script+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, p)
		}
	}
	if len(files) < 5 {
		t.Fatalf("only %d scripts found", len(files))
	}
	out, err := exec.Command(sc, append([]string{"--norc", "--severity=style"}, files...)...).CombinedOutput()
	if err != nil {
		t.Errorf("shellcheck: %v\n%s", err, out)
	}
}

func TestDeployKustomize(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl not installed: kustomization.yaml is not built")
	}
	out, err := exec.Command(kubectl, "kustomize", filepath.Join(deployDir, "kubernetes")).CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl kustomize: %v\n%s", err, out)
	}
	dec := yaml.NewDecoder(bytes.NewReader(out))
	var cm, cron map[string]any
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); err != nil {
			break
		}
		switch doc["kind"] {
		case "ConfigMap":
			cm = doc
		case "CronJob":
			cron = doc
		}
	}
	if cm == nil || cron == nil {
		t.Fatalf("kubectl kustomize: no ConfigMap or CronJob in\n%s", out)
	}
	// The generated ConfigMap holds the files verbatim, and the CronJob
	// mounts it under its hashed name.
	for _, f := range []string{"nightly.sh", "shards-job.yaml"} {
		if str(at(cm, "data", f)) != readDeploy(t, filepath.Join("kubernetes", f)) {
			t.Errorf("kustomize ConfigMap: %s differs from the file", f)
		}
	}
	found := false
	vols, _ := at(podSpec(cron), "volumes").([]any)
	for _, v := range vols {
		found = found || str(at(v, "configMap", "name")) == str(at(cm, "metadata", "name"))
	}
	if !found {
		t.Errorf("kustomize: the CronJob does not mount ConfigMap %s", str(at(cm, "metadata", "name")))
	}
}

// fakeTools writes executable shell scripts into a new folder, to be put
// first on PATH in place of the real programs.
func fakeTools(t *testing.T, tools map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range tools {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runScript runs a deploy/ script with shell sh and the fakes of bin
// first on PATH; it returns the exit code, what the fakes logged and the
// script's output.
func runScript(t *testing.T, sh, rel, bin string, env ...string) (code int, log []string, output string) {
	t.Helper()
	logFile := filepath.Join(bin, "log")
	cmd := exec.Command(sh, filepath.Join(deployDir, rel))
	cmd.Env = append(os.Environ(), append(slices.Clip(env), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "LOG="+logFile, "FAKES="+bin)...)
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	default:
		t.Fatalf("%s: %v", rel, err)
	}
	b, err := os.ReadFile(logFile)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	if s := strings.TrimSpace(string(b)); s != "" {
		log = strings.Split(s, "\n")
	}
	return code, log, string(out)
}

// count returns how many lines of log start with prefix.
func count(log []string, prefix string) int {
	n := 0
	for _, l := range log {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

// TestDeployNightly runs deploy/kubernetes/nightly.sh against a fake
// kubectl whose Job goes through a given list of conditions, a fake sleep
// and a fake windpm: the report runs once, after Complete, and never
// after Failed or past the deadline.
func TestDeployNightly(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	// Shell builtins only: the deadline case polls 741 times.
	const kubectl = `echo "kubectl $*" >> "$LOG"
if [ "$1" = get ]; then
	n=0
	[ -f "$FAKES/polls" ] && read -r n < "$FAKES/polls"
	n=$((n + 1))
	echo "$n" > "$FAKES/polls"
	i=0
	while IFS= read -r line; do
		i=$((i + 1))
		if [ "$i" -eq "$n" ]; then
			[ "$line" = error ] && exit 1
			printf '%s\n' "$line"
		fi
	done < "$FAKES/conditions"
fi
exit 0`
	cases := []struct {
		name       string
		conditions []string // what each kubectl get prints ("error": it fails)
		windpmExit string
		wantCode   int
		wantReport bool
		wantPolls  int
	}{
		{"complete", []string{"", "", "SuccessCriteriaMet Complete "}, "0", 0, true, 3},
		{"complete after an API error", []string{"", "error", "Complete "}, "0", 0, true, 3},
		{"complete, open alarm", []string{"Complete "}, "4", 4, true, 1},
		{"failed", []string{"", "FailureTarget Failed "}, "0", 1, false, 2},
		{"never finishes", nil, "0", 1, false, (6*3600+600)/30 + 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bin := fakeTools(t, map[string]string{
				"kubectl": kubectl,
				"sleep":   `echo "sleep $*" >> "$LOG"`,
				"windpm":  `echo "windpm $*" >> "$LOG"; exit ` + c.windpmExit,
			})
			if err := os.WriteFile(filepath.Join(bin, "conditions"), []byte(strings.Join(c.conditions, "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			code, log, out := runScript(t, sh, filepath.Join("kubernetes", "nightly.sh"), bin)
			if code != c.wantCode {
				t.Errorf("exit %d, want %d\n%s", code, c.wantCode, out)
			}
			if len(log) < 2 || !strings.HasPrefix(log[0], "kubectl delete job windpm-scan-shards ") || log[1] != "kubectl create -f /etc/windpm/shards-job.yaml" {
				t.Errorf("does not delete the old Job and create the new one first:\n%s", strings.Join(log, "\n"))
			}
			if n := count(log, "kubectl get job windpm-scan-shards"); n != c.wantPolls {
				t.Errorf("%d polls of the Job, want %d", n, c.wantPolls)
			}
			report := count(log, "windpm report --from /data/scan --out /data/scan --fail-on alarm")
			if c.wantReport && (report != 1 || !strings.HasPrefix(log[len(log)-1], "windpm report")) || !c.wantReport && report != 0 {
				t.Errorf("report run %d time(s), want it %v, last:\n%s", report, c.wantReport, strings.Join(log, "\n"))
			}
		})
	}
}

// TestDeploySlurmScripts runs the shard task and submit.sh of
// deploy/slurm with a fake windpm and a fake sbatch.
func TestDeploySlurmScripts(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	const windpm = `echo "windpm $*" >> "$LOG"
n=$(($(cat "$FAKES/runs" 2>/dev/null || echo 0) + 1))
echo "$n" > "$FAKES/runs"
exit "$(sed -n "${n}p" "$FAKES/exits")"`
	shard := filepath.Join("slurm", "windpm-shard.sbatch")
	env := []string{"SLURM_ARRAY_TASK_ID=3", "SLURM_CPUS_PER_TASK=4", "WINDPM_SHARDS=8", "WINDPM_OUT=/o", "WINDPM_FLEET=/f", "WINDPM_SCADA=/s"}
	for _, c := range []struct {
		exits    string // the fake windpm's exit codes, one per run
		wantCode int
		wantRuns int
	}{
		{"0", 0, 1},
		{"3\n0", 0, 2}, // partial, then nothing new
		{"3\n3", 3, 2}, // a capture changed under its name
		{"1", 1, 1},
		{"130", 130, 1},
	} {
		bin := fakeTools(t, map[string]string{"windpm": windpm})
		if err := os.WriteFile(filepath.Join(bin, "exits"), []byte(c.exits+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, log, out := runScript(t, bash, shard, bin, env...)
		if code != c.wantCode || len(log) != c.wantRuns {
			t.Errorf("windpm exits %q: task exit %d after %d run(s), want %d after %d\n%s", c.exits, code, len(log), c.wantCode, c.wantRuns, out)
		}
		for _, l := range log {
			if l != "windpm scan --fleet /f --scada /s --out /o --jobs 4 --shard 3/8" {
				t.Errorf("ran %q", l)
			}
		}
	}
	// Without N the task refuses to guess it.
	bin := fakeTools(t, map[string]string{"windpm": windpm})
	if code, log, _ := runScript(t, bash, shard, bin, "SLURM_ARRAY_TASK_ID=3", "WINDPM_SHARDS="); code == 0 || len(log) != 0 {
		t.Errorf("without WINDPM_SHARDS: exit %d, %d run(s)", code, len(log))
	}

	// submit.sh: the array 1-N, then the merge after it.
	bin = fakeTools(t, map[string]string{"sbatch": `if [ -f "$LOG" ]; then echo 1235; else echo "1234;cluster"; fi
echo "sbatch N=$WINDPM_SHARDS $*" >> "$LOG"`})
	code, log, out := runScript(t, bash, filepath.Join("slurm", "submit.sh"), bin, "WINDPM_SHARDS=5")
	if code != 0 || len(log) != 2 {
		t.Fatalf("submit.sh: exit %d, %d sbatch call(s)\n%s", code, len(log), out)
	}
	if !strings.HasPrefix(log[0], "sbatch N=5 --parsable --export=ALL --array=1-5 ") || !strings.HasSuffix(log[0], "/windpm-shard.sbatch") {
		t.Errorf("submit.sh: first %q", log[0])
	}
	if !strings.HasPrefix(log[1], "sbatch N=5 --parsable --export=ALL --dependency=afterok:1234 --kill-on-invalid-dep=yes ") || !strings.HasSuffix(log[1], "/windpm-report.sbatch") {
		t.Errorf("submit.sh: second %q", log[1])
	}
	if !strings.Contains(out, "job array 1234") || !strings.Contains(out, "job 1235") {
		t.Errorf("submit.sh printed %q", out)
	}
}

// TestDeployShardIndex runs the shards Job's container script with sh for
// every completion index 0…N-1 and a fake windpm: index i scans shard
// i+1 of N, so the pods cover shards 1…N once each.
func TestDeployShardIndex(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	var job map[string]any
	for _, doc := range yamlDocs(t, filepath.Join("kubernetes", "shards-job.yaml")) {
		if doc["kind"] == "Job" {
			job = doc
		}
	}
	c := at(podSpec(job), "containers", 0)
	words, _ := at(c, "command").([]any)
	args, _ := at(c, "args").([]any)
	if len(words) != 2 || str(words[1]) != "-c" || len(args) != 1 {
		t.Fatalf("shards Job: command %v args %v, want sh -c SCRIPT", words, args)
	}
	env := []string{}
	envs, _ := at(c, "env").([]any)
	for _, e := range envs {
		env = append(env, str(at(e, "name"))+"="+str(at(e, "value")))
	}
	n, _ := at(job, "spec", "completions").(int)
	bin := fakeTools(t, map[string]string{"windpm": `echo "$*" >> "$LOG"`})
	for i := 0; i < n; i++ {
		cmd := exec.Command(sh, "-c", str(args[0]))
		cmd.Env = append(os.Environ(), append(slices.Clip(env), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "LOG="+filepath.Join(bin, "log"), fmt.Sprintf("JOB_COMPLETION_INDEX=%d", i))...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("index %d: %v\n%s", i, err, out)
		}
	}
	b, err := os.ReadFile(filepath.Join(bin, "log"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != n {
		t.Fatalf("%d runs for %d indexes", len(lines), n)
	}
	for i, l := range lines {
		if want := fmt.Sprintf(" --shard %d/%d", i+1, n); !strings.HasSuffix(l, want) {
			t.Errorf("index %d ran windpm %s, want it to end in%s", i, l, want)
		}
	}
}

// deployTables reads the scores and alarms tables of a scan's output
// (readScan adds the features).
func deployTables(t *testing.T, out string) (scores, alarms [][]any) {
	t.Helper()
	st, err := reports.ReadRecordTable(filepath.Join(out, "scores.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	at, err := reports.ReadRecordTable(filepath.Join(out, "alarms.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	return st.Rows, at.Rows
}

// TestDeployEndToEnd runs the manifests' own command lines with the real
// windpm (this test binary, through TestMain) on a small synthetic fleet:
// the systemd unit's whole-fleet scan; the Slurm shard task for tasks 1-3
// at once, then the Slurm merge; the Kubernetes shards Job's script for
// every index at once (N = 8 for 3 turbines: some shards own no turbine),
// then nightly.sh's report. Both merges give the whole-fleet scan's scores
// and alarms, row for row, and its exit code (--fail-on alarm).
func TestDeployEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("synthesizes and scans a fleet three times")
	}
	sh, errSh := exec.LookPath("sh")
	bash, errBash := exec.LookPath("bash")
	if errSh != nil || errBash != nil {
		t.Skip("needs sh and bash")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := synth.DemoConfig()
	cfg.Turbines, cfg.Days, cfg.Seed = 3, 24, 7
	cfg.Faults = synth.DefaultFaults(cfg.Turbines, cfg.Days)
	if _, err := synth.Generate(context.Background(), cfg, dir, nil); err != nil {
		t.Fatal(err)
	}
	bin := fakeTools(t, map[string]string{"windpm": `WINDPM_TEST_MAIN=1 exec "` + self + `" "$@"`})
	path := "PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")

	// relocate runs a manifest's windpm command line in-process with the
	// words of paths replaced by those of the test.
	fleet, scada := filepath.Join(dir, "fleet"), filepath.Join(dir, "scada")
	relocate := func(where, line string, paths map[string]string) int {
		t.Helper()
		invs := windpmInvocations(where, line)
		if len(invs) != 1 {
			t.Fatalf("%s: %d windpm invocations", where, len(invs))
		}
		args := append([]string(nil), invs[0].words...)
		for i, a := range args {
			if p, ok := paths[a]; ok {
				args[i] = p
			}
		}
		stdout, stderr, code := runCLI(t, args...)
		t.Logf("%s: windpm %s: exit %d\n%s%s", where, strings.Join(args, " "), code, stdout, stderr)
		return code
	}

	// systemd: the whole fleet, in-process.
	service := readDeploy(t, filepath.Join("systemd", "windpm-scan.service"))
	whole := filepath.Join(dir, "systemd")
	wantCode := relocate("windpm-scan.service", regexp.MustCompile(`(?m)^ExecStart=(.*)$`).FindStringSubmatch(service)[1],
		map[string]string{"/srv/windpm/fleet": fleet, "/srv/windpm/scada": scada, "/srv/windpm/scan": whole})
	if wantCode != 0 && wantCode != exitFailOn {
		t.Fatalf("whole-fleet scan: exit %d", wantCode)
	}
	// The operating classes come from the SCADA active power: a --scada
	// that reads nothing scores every capture in one class "all", with
	// no error.
	summary, err := os.ReadFile(filepath.Join(whole, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`"class":\s*"power kW`).Match(summary) {
		t.Error("whole-fleet scan: no operating class by SCADA power in summary.json: --scada read nothing")
	}
	wantScores, wantAlarms := deployTables(t, whole)
	if len(wantAlarms) == 0 {
		t.Fatal("the fleet raised no alarm: the comparison would not cover alarms")
	}

	// startAll starts the commands at once and waits for them all.
	startAll := func(what string, cmds []*exec.Cmd) {
		t.Helper()
		outs := make([]*bytes.Buffer, len(cmds))
		for i, c := range cmds {
			outs[i] = new(bytes.Buffer)
			c.Stdout, c.Stderr = outs[i], outs[i]
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
		}
		for i, c := range cmds {
			if err := c.Wait(); err != nil {
				t.Errorf("%s %d: %v\n%s", what, i+1, err, outs[i])
			}
		}
	}

	// Slurm: tasks 1-3 of the shard script at once, then the merge.
	slurmOut := filepath.Join(dir, "slurm")
	env := append(os.Environ(), path, "WINDPM_SHARDS=3", "SLURM_CPUS_PER_TASK=1",
		"WINDPM_FLEET="+fleet, "WINDPM_SCADA="+scada, "WINDPM_OUT="+slurmOut)
	var cmds []*exec.Cmd
	for k := 1; k <= 3; k++ {
		c := exec.Command(bash, filepath.Join(deployDir, "slurm", "windpm-shard.sbatch"))
		c.Env = append(slices.Clip(env), fmt.Sprintf("SLURM_ARRAY_TASK_ID=%d", k))
		cmds = append(cmds, c)
	}
	startAll("slurm task", cmds)
	c := exec.Command(bash, filepath.Join(deployDir, "slurm", "windpm-report.sbatch"))
	c.Env = env
	out, err := c.CombinedOutput()
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if code != wantCode {
		t.Errorf("slurm merge: exit %d, the whole-fleet scan %d\n%s", code, wantCode, out)
	}
	scores, alarms := deployTables(t, slurmOut)
	if !reflect.DeepEqual(scores, wantScores) || !reflect.DeepEqual(alarms, wantAlarms) {
		t.Errorf("slurm: merged tables differ from the whole-fleet scan's (%d/%d score rows, %d/%d alarms)", len(scores), len(wantScores), len(alarms), len(wantAlarms))
	}

	// Kubernetes: every index of the shards Job at once, then the report
	// line of nightly.sh.
	var job map[string]any
	for _, doc := range yamlDocs(t, filepath.Join("kubernetes", "shards-job.yaml")) {
		job = doc
	}
	k8sOut := filepath.Join(dir, "k8s")
	ctr := at(podSpec(job), "containers", 0)
	script := strings.NewReplacer("/data/fleet", fleet, "/data/scada", scada, "/data/scan", k8sOut).Replace(str(at(ctr, "args", 0)))
	kenv := append(os.Environ(), path)
	envs, _ := at(ctr, "env").([]any)
	for _, e := range envs {
		kenv = append(kenv, str(at(e, "name"))+"="+str(at(e, "value")))
	}
	n, _ := at(job, "spec", "completions").(int)
	cmds = nil
	for i := 0; i < n; i++ {
		c := exec.Command(sh, "-c", script)
		c.Env = append(slices.Clip(kenv), fmt.Sprintf("JOB_COMPLETION_INDEX=%d", i))
		cmds = append(cmds, c)
	}
	startAll("kubernetes index", cmds)
	if code := relocate("nightly.sh", readDeploy(t, filepath.Join("kubernetes", "nightly.sh")), map[string]string{"$out": k8sOut}); code != wantCode {
		t.Errorf("kubernetes merge: exit %d, the whole-fleet scan %d", code, wantCode)
	}
	scores, alarms = deployTables(t, k8sOut)
	if !reflect.DeepEqual(scores, wantScores) || !reflect.DeepEqual(alarms, wantAlarms) {
		t.Errorf("kubernetes: merged tables differ from the whole-fleet scan's (%d/%d score rows, %d/%d alarms)", len(scores), len(wantScores), len(alarms), len(wantAlarms))
	}
}
