#!/bin/zsh -f
# What zsh completes for command lines with data/completion/_igpuctl:
#   zsh-complete.zsh FPATH-DIR 'igpuctl --root DIR vm proxmox ' [LINE...]
# prints, for each LINE, "== LINE" and then the matches, one a line.  An
# interactive zsh runs in a pseudo-terminal (zsh/zpty) with compinit over
# FPATH-DIR; each line and a TAB are typed into it, and compadd, wrapped,
# prints what the real completion function adds and zsh's matching keeps
# (compadd -A).  compinit takes seconds, so one shell completes every line.
zmodload zsh/zpty || exit 2
local dir=$1 cmdline line out
local -i idle n=0

zpty z zsh -f -i
zpty -w z "fpath=(${(q)dir} \$fpath); PROMPT=; autoload -U compinit; compinit -u -D"
zpty -w z 'bindkey "^I" complete-word; bindkey "^U" kill-whole-line; zstyle ":completion:*" insert-tab false'
# The markers are put together so that the echo of these lines does not hold them.
zpty -w z '_done() { print -r -- "@@DO""NE@@$((++__n))@@"; }; comppostfuncs=(_done)'
zpty -w z 'compadd() { local -a __hits; local __h; builtin compadd -A __hits "$@"; for __h in $__hits; do print -r -- "@@HI""T@@$IPREFIX$__h"; done; builtin compadd "$@"; }'
for cmdline in "${@:2}"; do
	print -r -- "== $cmdline"
	zpty -w -n z $'\025'"$cmdline"$'\t'
	out= idle=0 n+=1
	# Read until completion is over (comppostfuncs), or 10 s without output.
	while (( idle < 200 )); do
		if zpty -rt z line 2>/dev/null; then
			out+=$line idle=0
			[[ $out == *@@DONE@@$n@@* ]] && break
		else
			sleep 0.05
			idle+=1
		fi
	done
	out=${out%%@@DONE@@$n@@*}
	out=${out##*@@DONE@@$((n - 1))@@}
	for line in ${(f)out}; do
		line=${line//$'\r'/}
		[[ $line == *@@HIT@@* ]] && print -r -- "${line##*@@HIT@@}"
	done
done
zpty -d z 2>/dev/null
return 0
