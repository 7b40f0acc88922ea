/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * merge-domain TEMPLATE FRAGMENT: put the partial domain that
 * `igpuctl vm libvirt DEVICE` prints into a full domain, the way its comment
 * tells a person to: namespace declarations go to <domain>, the children of
 * <devices> are added (replacing every <graphics> and <video> when the
 * fragment brings its own), and other top-level elements are appended
 * (<cpu> replacing the template's).
 * Prints the merged domain for virt-xml-validate and virsh define.
 */
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

static xmlNodePtr child(xmlNodePtr p, const char *name)
{
	for (xmlNodePtr c = p ? p->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !c->ns && xmlStrEqual(c->name, (const xmlChar *)name))
			return c;
	return NULL;
}

static int is_display(xmlNodePtr c)
{
	return c->type == XML_ELEMENT_NODE && !c->ns &&
	       (xmlStrEqual(c->name, (const xmlChar *)"graphics") ||
		xmlStrEqual(c->name, (const xmlChar *)"video"));
}

int main(int argc, char *argv[])
{
	xmlDocPtr t, f;
	xmlNodePtr troot, froot, tdev, fdev;
	int replace = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: merge-domain TEMPLATE FRAGMENT\n");
		return 2;
	}
	t = xmlReadFile(argv[1], NULL, XML_PARSE_NOBLANKS);
	f = xmlReadFile(argv[2], NULL, XML_PARSE_NOBLANKS);
	if (!t || !f) {
		fprintf(stderr, "merge-domain: cannot parse the input\n");
		return 1;
	}
	troot = xmlDocGetRootElement(t);
	froot = xmlDocGetRootElement(f);
	for (xmlNsPtr ns = froot->nsDef; ns; ns = ns->next)
		if (!xmlSearchNsByHref(t, troot, ns->href))
			xmlNewNs(troot, ns->href, ns->prefix);
	tdev = child(troot, "devices");
	fdev = child(froot, "devices");
	if (!tdev || !fdev) {
		fprintf(stderr, "merge-domain: no <devices>\n");
		return 1;
	}
	for (xmlNodePtr c = fdev->children; c; c = c->next)
		if (is_display(c))
			replace = 1;
	if (replace) {
		xmlNodePtr c = tdev->children, next;
		for (; c; c = next) {
			next = c->next;
			if (is_display(c)) {
				xmlUnlinkNode(c);
				xmlFreeNode(c);
			}
		}
	}
	for (xmlNodePtr c = fdev->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			xmlAddChild(tdev, xmlDocCopyNode(c, t, 1));
	for (xmlNodePtr c = froot->children; c; c = c->next) {
		xmlNodePtr old;
		if (c->type != XML_ELEMENT_NODE || c == fdev)
			continue;
		/* An element of libvirt's own namespace (<cpu>) replaces the
		 * template's, as its comment says. */
		if (!c->ns && (old = child(troot, (const char *)c->name))) {
			xmlUnlinkNode(old);
			xmlFreeNode(old);
		}
		xmlAddChild(troot, xmlDocCopyNode(c, t, 1));
	}
	xmlReconciliateNs(t, troot);
	xmlSaveFormatFile("-", t, 1);
	xmlFreeDoc(t);
	xmlFreeDoc(f);
	return 0;
}
