// Runs each .snippet's code through codapi's POST /v1/exec (answered by sbx) and shows
// stdout and stderr. Output is set as text, never as HTML: it stays inert.
for (const snippet of document.querySelectorAll(".snippet")) {
    const code = snippet.querySelector("textarea");
    const button = snippet.querySelector("button");
    const status = snippet.querySelector(".status");
    const output = snippet.querySelector(".output");
    button.addEventListener("click", async () => {
        button.disabled = true;
        status.textContent = "running…";
        output.textContent = "";
        try {
            const answer = await fetch(`${snippet.dataset.url}/exec`, {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body: JSON.stringify({ sandbox: snippet.dataset.sandbox, command: "run", files: { "": code.value } }),
            });
            const result = await answer.json();
            output.textContent = result.stdout + result.stderr;
            status.textContent = result.ok ? `done in ${result.duration} ms` : `failed (HTTP ${answer.status})`;
        } catch (error) {
            status.textContent = `could not reach the sandbox: ${error.message}`;
        } finally {
            button.disabled = false;
        }
    });
}
