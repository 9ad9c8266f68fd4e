import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { LineMaterial } from 'three/addons/lines/LineMaterial.js';
import { LineSegments2 } from 'three/addons/lines/LineSegments2.js';
import { LineSegmentsGeometry } from 'three/addons/lines/LineSegmentsGeometry.js';
import { CSS2DObject, CSS2DRenderer } from 'three/addons/renderers/CSS2DRenderer.js';
import type { PageData } from '../page-data.ts';
import type { PathLines } from './paths.ts';

// The 3D scene in the map frame (x east, y north, z up, metres): ground, extruded buildings, the sites (poles,
// labels), the tracks, the current UE, the current sample's paths and the radio-map ground overlay.

const TRAIN = 0x8aa4bf;
const TEST = 0xd9480f;

export class ViewerScene {
  readonly renderer: THREE.WebGLRenderer;
  private readonly labels = new CSS2DRenderer();
  private readonly scene = new THREE.Scene();
  private readonly camera: THREE.PerspectiveCamera;
  private readonly controls: OrbitControls;
  private readonly siteMarks = new Map<number, { head: THREE.Mesh; label: HTMLElement }>();
  private readonly trackLines: LineSegments2[] = [];
  private readonly ue: THREE.Mesh;
  /** Paths as screen-space wide lines (WebGL draws plain lines 1 px wide). */
  private readonly paths: LineSegments2;
  private readonly pathMaterial = new LineMaterial({ vertexColors: true, linewidth: 2.5, worldUnits: false });
  private readonly buildingMaterial: THREE.MeshLambertMaterial;
  private overlay: THREE.Mesh | null = null;

  constructor(private readonly host: HTMLElement, private readonly data: PageData) {
    THREE.Object3D.DEFAULT_UP.set(0, 0, 1);
    const { width: W, height: H } = data.map;
    this.renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio));
    this.renderer.setClearColor(0xf4f4f2);
    host.appendChild(this.renderer.domElement);
    this.labels.domElement.style.position = 'absolute';
    this.labels.domElement.style.top = '0';
    this.labels.domElement.style.pointerEvents = 'none';
    host.appendChild(this.labels.domElement);

    this.camera = new THREE.PerspectiveCamera(45, 1, 1, 20 * Math.max(W, H));
    this.camera.position.set(W * 0.5, -0.45 * H, 1.05 * Math.max(W, H));
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.target.set(W / 2, H * 0.45, 0);
    this.controls.update();
    this.controls.maxPolarAngle = Math.PI / 2 - 0.02;
    this.controls.addEventListener('change', () => this.render());

    this.scene.add(new THREE.HemisphereLight(0xffffff, 0x888877, 2.2));
    const sun = new THREE.DirectionalLight(0xffffff, 1.6);
    sun.position.set(-0.4 * W, -0.8 * H, 1.5 * Math.max(W, H));
    this.scene.add(sun);

    const ground = new THREE.Mesh(new THREE.PlaneGeometry(W, H), new THREE.MeshLambertMaterial({ color: 0xc9c9c4 }));
    ground.position.set(W / 2, H / 2, 0);
    this.scene.add(ground);
    for (const area of data.map.pedestrian) this.scene.add(flat(area, 0xb9c7a8, 0.02));

    this.buildingMaterial = new THREE.MeshLambertMaterial({ color: 0xe9e6df, transparent: true, opacity: 0.55, depthWrite: false });
    const edges = new THREE.LineBasicMaterial({ color: 0x6d6a64 });
    for (const b of data.map.buildings) {
      const geo = new THREE.ExtrudeGeometry(shape(b.footprint), { depth: b.height, bevelEnabled: false });
      const mesh = new THREE.Mesh(geo, this.buildingMaterial);
      mesh.renderOrder = 2;
      this.scene.add(mesh);
      this.scene.add(new THREE.LineSegments(new THREE.EdgesGeometry(geo), edges));
    }

    // Markers sized to the map: ~2 m on the 552 m Madrid grid.
    const r = Math.min(2.5, Math.max(0.4, 0.004 * Math.max(W, H)));
    const pole = new THREE.MeshLambertMaterial({ color: 0x333333 });
    for (const s of data.sites) {
      const stick = new THREE.Mesh(new THREE.CylinderGeometry(0.15 * r, 0.15 * r, s.z, 8), pole);
      stick.rotation.x = Math.PI / 2;
      stick.position.set(s.x, s.y, s.z / 2);
      const head = new THREE.Mesh(new THREE.SphereGeometry(r, 16, 12), new THREE.MeshLambertMaterial({ color: 0x333333 }));
      head.position.set(s.x, s.y, s.z);
      const el = document.createElement('div');
      el.className = 'site-label';
      el.textContent = String(s.id);
      const label = new CSS2DObject(el);
      label.position.set(s.x, s.y, s.z + 3 * r);
      this.scene.add(stick, head, label);
      this.siteMarks.set(s.id, { head, label: el });
    }

    for (const t of data.tracks) {
      const seg: number[] = [];
      for (let k = 2; k < t.xy.length; k += 2) seg.push(t.xy[k - 2], t.xy[k - 1], 0.3, t.xy[k], t.xy[k + 1], 0.3);
      const g = new LineSegmentsGeometry();
      g.setPositions(seg);
      const line = new LineSegments2(g, new LineMaterial({ color: t.split === 'test' ? TEST : TRAIN, linewidth: 1.5 }));
      line.userData.split = t.split;
      this.scene.add(line);
      this.trackLines.push(line);
    }

    this.ue = new THREE.Mesh(new THREE.SphereGeometry(1.6 * r, 20, 14), new THREE.MeshLambertMaterial({ color: 0xff2200, emissive: 0x661100 }));
    this.scene.add(this.ue);
    this.paths = new LineSegments2(new LineSegmentsGeometry(), this.pathMaterial);
    this.paths.renderOrder = 3;
    this.scene.add(this.paths);

    new ResizeObserver(() => this.resize()).observe(host);
    this.resize();
  }

  resize(): void {
    const w = Math.max(1, this.host.clientWidth), h = Math.max(1, this.host.clientHeight);
    this.renderer.setSize(w, h);
    this.labels.setSize(w, h);
    this.pathMaterial.resolution.set(w, h);
    for (const l of this.trackLines) l.material.resolution.set(w, h);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.render();
  }

  render(): void {
    this.renderer.render(this.scene, this.camera);
    this.labels.render(this.scene, this.camera);
  }

  /** Sites of the constellation in red; sites heard by the current sample larger. */
  markSites(constellation: Set<number>, heard: Set<number>): void {
    for (const [id, m] of this.siteMarks) {
      (m.head.material as THREE.MeshLambertMaterial).color.setHex(constellation.has(id) ? 0xd00000 : 0x333333);
      m.head.scale.setScalar(heard.has(id) ? 1.5 : 1);
      m.label.classList.toggle('on', constellation.has(id));
    }
  }

  showTrack(id: number): void {
    this.trackLines.forEach((l, k) => {
      l.material.linewidth = k === id ? 3 : 1.5;
      l.material.color.setHex(k === id ? 0x000000 : l.userData.split === 'test' ? TEST : TRAIN);
    });
    this.render();
  }

  setSample(x: number, y: number, z: number, lines: PathLines): void {
    this.ue.position.set(x, y, z);
    this.paths.geometry.dispose();
    const g = new LineSegmentsGeometry();
    if (lines.positions.length > 0) {
      g.setPositions(lines.positions);
      g.setColors(lines.colours);
    }
    this.paths.geometry = g;
    this.paths.visible = lines.positions.length > 0;
    this.render();
  }

  setBuildingsOpacity(opacity: number): void {
    this.buildingMaterial.opacity = opacity;
    this.buildingMaterial.depthWrite = opacity >= 1;
    this.buildingMaterial.transparent = opacity < 1;
    this.buildingMaterial.needsUpdate = true;
    this.render();
  }

  /** Radio map texels (nx x ny RGBA, row 0 south) as a plane just above the ground; null removes it. */
  setOverlay(texels: Uint8Array | null, grid: { nx: number; ny: number; cell: number } | null): void {
    if (this.overlay) {
      this.scene.remove(this.overlay);
      (this.overlay.material as THREE.MeshBasicMaterial).map?.dispose();
      this.overlay = null;
    }
    if (texels && grid) {
      const tex = new THREE.DataTexture(texels, grid.nx, grid.ny, THREE.RGBAFormat);
      tex.magFilter = THREE.NearestFilter;
      tex.minFilter = THREE.NearestFilter;
      tex.colorSpace = THREE.SRGBColorSpace;
      tex.needsUpdate = true;
      const w = grid.nx * grid.cell, h = grid.ny * grid.cell;
      this.overlay = new THREE.Mesh(new THREE.PlaneGeometry(w, h), new THREE.MeshBasicMaterial({ map: tex, transparent: true, opacity: 0.6, alphaTest: 0.01 }));
      this.overlay.position.set(w / 2, h / 2, 0.05);
      this.scene.add(this.overlay);
    }
    this.render();
  }
}

function shape(fp: [number, number][]): THREE.Shape {
  return new THREE.Shape(fp.map(([x, y]) => new THREE.Vector2(x, y)));
}

function flat(poly: [number, number][], colour: number, z: number): THREE.Mesh {
  const m = new THREE.Mesh(new THREE.ShapeGeometry(shape(poly)), new THREE.MeshLambertMaterial({ color: colour }));
  m.position.z = z;
  return m;
}
